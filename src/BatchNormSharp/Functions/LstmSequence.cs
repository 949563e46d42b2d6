using System.Globalization;

namespace BatchNormSharp;

/// <summary>
/// A stacked LSTM over whole sequences, equal to <c>torch.nn.LSTM(batch_first=True)</c>: input
/// <c>[batch, time, I]</c>, optional <c>(h0, c0)</c> of <c>[layers, batch, H]</c>, output <c>[batch, time, H]</c>
/// (every hidden state of the top layer) and <c>(h_n, c_n)</c> of <c>[layers, batch, H]</c>; the backward pass gives
/// the gradients of the input, of <c>(h0, c0)</c> and adds those of every parameter.
/// </summary>
/// <remarks>
/// <para>It owns the working memory of the sequence (the states, one <see cref="LstmStepCache"/> per layer and time
/// step, scratch for the projections and gradients), sized by the largest batch and length seen and reused, so that a
/// steady state allocates nothing. The parameters stay with their owner (<see cref="LstmLayerParameters"/>).</para>
/// <para>Inside, sequences are time-major (<c>[time, batch, F]</c>), so that each time step's rows are contiguous and
/// the products that do not depend on the recurrence (input projection, weight gradients, input gradient) run once
/// for all time steps with <c>time × batch</c> rows. The batch-first input and output are transposed on the way in
/// and out.</para>
/// </remarks>
internal sealed class LstmSequence
{
    private LstmStepCache[][] _caches;
    private readonly double[][] _hidden;   // per layer [time + 1, batch, H]: slot 0 is h0
    private readonly double[][] _cell;     // per layer [time + 1, batch, H]: slot 0 is c0
    private double[] _input = [];          // [time, batch, I]
    private double[] _gates = [];          // [time, batch, 4H]: projections in forward, dz in backward
    private double[] _upstream = [];       // [time, batch, max(I, H)]: dL/d(layer output), time-major
    private double[] _downstream = [];     // [time, batch, max(I, H)]: dL/d(layer input), time-major
    private double[] _dhA = [], _dhB = [], _dc = [];  // [batch, H]
    private int _batch, _time;             // of the last forward pass; 0 before the first

    /// <summary>Creates the driver of a stack of <paramref name="numLayers"/> layers.</summary>
    /// <param name="inputSize">The input features I.</param>
    /// <param name="hiddenSize">The hidden size H.</param>
    /// <param name="numLayers">The number of stacked layers.</param>
    public LstmSequence(int inputSize, int hiddenSize, int numLayers)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hiddenSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numLayers);
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        NumLayers = numLayers;
        _caches = new LstmStepCache[numLayers][];
        _hidden = new double[numLayers][];
        _cell = new double[numLayers][];
        for (int l = 0; l < numLayers; l++)
        {
            _caches[l] = [];
            _hidden[l] = [];
            _cell[l] = [];
        }
    }

    /// <summary>The input features I.</summary>
    public int InputSize { get; }

    /// <summary>The hidden size H.</summary>
    public int HiddenSize { get; }

    /// <summary>The number of stacked layers.</summary>
    public int NumLayers { get; }

    /// <summary>Runs the stack over a batch of sequences and keeps what <see cref="Backward"/> needs.</summary>
    /// <param name="batch">The number of sequences.</param>
    /// <param name="time">The number of time steps.</param>
    /// <param name="input">The input, <c>[batch, time, I]</c>.</param>
    /// <param name="parameters">The parameters of each layer, bottom first.</param>
    /// <param name="initialHidden"><c>h0</c>, <c>[layers, batch, H]</c>, or empty for zeros.</param>
    /// <param name="initialCell"><c>c0</c>, <c>[layers, batch, H]</c>, or empty for zeros.</param>
    /// <param name="output">Every hidden state of the top layer, <c>[batch, time, H]</c>, written.</param>
    /// <param name="finalHidden"><c>h_n</c>, <c>[layers, batch, H]</c>, written; may be empty if not wanted.</param>
    /// <param name="finalCell"><c>c_n</c>, <c>[layers, batch, H]</c>, written; may be empty if not wanted.</param>
    public void Forward(
        int batch, int time, ReadOnlySpan<double> input, IReadOnlyList<LstmLayerParameters> parameters,
        ReadOnlySpan<double> initialHidden, ReadOnlySpan<double> initialCell,
        Span<double> output, Span<double> finalHidden, Span<double> finalCell)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(time);
        ArgumentNullException.ThrowIfNull(parameters);
        int H = HiddenSize, stateLength = NumLayers * batch * H;
        RequireLength(input.Length, batch * time * InputSize, "input", "[batch, time, input_size]", nameof(input));
        RequireParameters(parameters);
        RequireOptional(initialHidden.Length, stateLength, "h0", nameof(initialHidden));
        RequireOptional(initialCell.Length, stateLength, "c0", nameof(initialCell));
        RequireLength(output.Length, batch * time * H, "output", "[batch, time, hidden_size]", nameof(output));
        RequireOptional(finalHidden.Length, stateLength, "h_n", nameof(finalHidden));
        RequireOptional(finalCell.Length, stateLength, "c_n", nameof(finalCell));

        Prepare(batch, time);
        int rows = time * batch, step = batch * H;
        SequenceLayout.ToTimeMajor(input, batch, time, InputSize, _input);
        for (int l = 0; l < NumLayers; l++)
        {
            var p = parameters[l];
            int inFeatures = l == 0 ? InputSize : H;
            ReadOnlySpan<double> layerInput = l == 0 ? _input.AsSpan(0, rows * InputSize) : _hidden[l - 1].AsSpan(step, rows * H);
            Span<double> projections = _gates.AsSpan(0, rows * 4 * H);
            LstmFunctions.ProjectInputs(rows, inFeatures, H, layerInput, p.WeightIh.Span, p.BiasIh.Span, p.BiasHh.Span, projections);

            Span<double> hs = _hidden[l], cs = _cell[l];
            CopyOrClear(initialHidden, l * step, step, hs[..step]);
            CopyOrClear(initialCell, l * step, step, cs[..step]);
            ReadOnlySpan<double> weightHh = p.WeightHh.Span;
            for (int t = 0; t < time; t++)
            {
                LstmFunctions.ForwardStep(batch, H, projections.Slice(t * batch * 4 * H, batch * 4 * H),
                    hs.Slice(t * step, step), cs.Slice(t * step, step), weightHh, _caches[l][t],
                    hs.Slice((t + 1) * step, step), cs.Slice((t + 1) * step, step));
            }
            if (!finalHidden.IsEmpty)
            {
                hs.Slice(time * step, step).CopyTo(finalHidden.Slice(l * step, step));
            }
            if (!finalCell.IsEmpty)
            {
                cs.Slice(time * step, step).CopyTo(finalCell.Slice(l * step, step));
            }
        }
        SequenceLayout.ToBatchFirst(_hidden[NumLayers - 1].AsSpan(step, rows * H), batch, time, H, output);
        _batch = batch;
        _time = time;
    }

    /// <summary>
    /// Backpropagation through time for the last <see cref="Forward"/>: writes the input and initial-state gradients
    /// and adds every parameter's gradient to <see cref="LstmLayerParameters"/>.
    /// </summary>
    /// <param name="outputGradient">dL/d(output), <c>[batch, time, H]</c>, or empty for zeros.</param>
    /// <param name="finalHiddenGradient">dL/d(h_n), <c>[layers, batch, H]</c>, or empty for zeros.</param>
    /// <param name="finalCellGradient">dL/d(c_n), <c>[layers, batch, H]</c>, or empty for zeros.</param>
    /// <param name="parameters">The parameters the forward pass used.</param>
    /// <param name="inputGradient">dL/d(input), <c>[batch, time, I]</c>, written; may be empty if not wanted.</param>
    /// <param name="initialHiddenGradient">dL/d(h0), <c>[layers, batch, H]</c>, written; may be empty.</param>
    /// <param name="initialCellGradient">dL/d(c0), <c>[layers, batch, H]</c>, written; may be empty.</param>
    /// <exception cref="InvalidOperationException">No forward pass ran before.</exception>
    public void Backward(
        ReadOnlySpan<double> outputGradient, ReadOnlySpan<double> finalHiddenGradient,
        ReadOnlySpan<double> finalCellGradient, IReadOnlyList<LstmLayerParameters> parameters,
        Span<double> inputGradient, Span<double> initialHiddenGradient, Span<double> initialCellGradient)
    {
        if (_time == 0)
        {
            throw new InvalidOperationException("LstmSequence.Backward: there is no forward pass to differentiate; call Forward first.");
        }
        ArgumentNullException.ThrowIfNull(parameters);
        int batch = _batch, time = _time, H = HiddenSize, step = batch * H, rows = time * batch;
        int stateLength = NumLayers * step;
        RequireParameters(parameters);
        RequireOptional(outputGradient.Length, rows * H, "the output gradient", nameof(outputGradient));
        RequireOptional(finalHiddenGradient.Length, stateLength, "the h_n gradient", nameof(finalHiddenGradient));
        RequireOptional(finalCellGradient.Length, stateLength, "the c_n gradient", nameof(finalCellGradient));
        RequireOptional(inputGradient.Length, rows * InputSize, "the input gradient", nameof(inputGradient));
        RequireOptional(initialHiddenGradient.Length, stateLength, "the h0 gradient", nameof(initialHiddenGradient));
        RequireOptional(initialCellGradient.Length, stateLength, "the c0 gradient", nameof(initialCellGradient));

        Span<double> upstream = _upstream.AsSpan(0, rows * H);
        if (outputGradient.IsEmpty)
        {
            upstream.Clear();
        }
        else
        {
            SequenceLayout.ToTimeMajor(outputGradient, batch, time, H, upstream);
        }
        Span<double> dz = _gates.AsSpan(0, rows * 4 * H);
        for (int l = NumLayers - 1; l >= 0; l--)
        {
            var p = parameters[l];
            int inFeatures = l == 0 ? InputSize : H;
            ReadOnlySpan<double> hs = _hidden[l], cs = _cell[l];
            ReadOnlySpan<double> weightHh = p.WeightHh.Span;
            Span<double> dh = _dhA.AsSpan(0, step), dhPrevious = _dhB.AsSpan(0, step), dc = _dc.AsSpan(0, step);
            CopyOrClear(finalHiddenGradient, l * step, step, dh);
            CopyOrClear(finalCellGradient, l * step, step, dc);
            for (int t = time - 1; t >= 0; t--)
            {
                LstmFunctions.BackwardStep(batch, H, upstream.Slice(t * step, step), dh, dc,
                    cs.Slice(t * step, step), weightHh, _caches[l][t],
                    dz.Slice(t * batch * 4 * H, batch * 4 * H), dhPrevious);
                Span<double> swap = dh;
                dh = dhPrevious;
                dhPrevious = swap;
            }
            if (!initialHiddenGradient.IsEmpty)
            {
                dh.CopyTo(initialHiddenGradient.Slice(l * step, step));
            }
            if (!initialCellGradient.IsEmpty)
            {
                dc.CopyTo(initialCellGradient.Slice(l * step, step));
            }

            ReadOnlySpan<double> layerInput = l == 0 ? _input.AsSpan(0, rows * InputSize) : _hidden[l - 1].AsSpan(step, rows * H);
            LstmFunctions.AccumulateParameterGradients(rows, inFeatures, H, dz, layerInput, hs[..(rows * H)],
                p.WeightIhGradient.Span, p.WeightHhGradient.Span, p.BiasIhGradient.Span, p.BiasHhGradient.Span);
            if (l > 0 || !inputGradient.IsEmpty)
            {
                Span<double> downstream = _downstream.AsSpan(0, rows * inFeatures);
                LstmFunctions.InputGradient(rows, inFeatures, H, dz, p.WeightIh.Span, downstream);
                (_upstream, _downstream) = (_downstream, _upstream);
                upstream = _upstream.AsSpan(0, rows * inFeatures);
            }
        }
        if (!inputGradient.IsEmpty)
        {
            SequenceLayout.ToBatchFirst(upstream, batch, time, InputSize, inputGradient);
        }
    }

    private void Prepare(int batch, int time)
    {
        int H = HiddenSize, rows = batch * time, widest = Math.Max(InputSize, H);
        Grow(ref _input, rows * InputSize);
        Grow(ref _gates, rows * 4 * H);
        Grow(ref _upstream, rows * widest);
        Grow(ref _downstream, rows * widest);
        Grow(ref _dhA, batch * H);
        Grow(ref _dhB, batch * H);
        Grow(ref _dc, batch * H);
        for (int l = 0; l < NumLayers; l++)
        {
            Grow(ref _hidden[l], (time + 1) * batch * H);
            Grow(ref _cell[l], (time + 1) * batch * H);
            if (_caches[l].Length < time)
            {
                var caches = new LstmStepCache[time];
                _caches[l].CopyTo(caches, 0);
                for (int t = _caches[l].Length; t < time; t++)
                {
                    caches[t] = new LstmStepCache(H);
                }
                _caches[l] = caches;
            }
        }
    }

    private static void Grow(ref double[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new double[length];
        }
    }

    private static void CopyOrClear(ReadOnlySpan<double> source, int start, int length, Span<double> destination)
    {
        if (source.IsEmpty)
        {
            destination.Clear();
        }
        else
        {
            source.Slice(start, length).CopyTo(destination);
        }
    }

    private void RequireParameters(IReadOnlyList<LstmLayerParameters> parameters)
    {
        if (parameters.Count != NumLayers)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"LstmSequence: expected the parameters of {NumLayers} layers, got {parameters.Count}; pass one LstmLayerParameters per stacked layer, bottom first."),
                nameof(parameters));
        }
        int gates = 4 * HiddenSize;
        for (int l = 0; l < NumLayers; l++)
        {
            var p = parameters[l];
            int inFeatures = l == 0 ? InputSize : HiddenSize;
            RequireParameter(p.WeightIh.Length, gates * inFeatures, "weight_ih", l, "[4 * hidden_size, in_features]");
            RequireParameter(p.WeightHh.Length, gates * HiddenSize, "weight_hh", l, "[4 * hidden_size, hidden_size]");
            RequireParameter(p.BiasIh.Length, gates, "bias_ih", l, "[4 * hidden_size]");
            RequireParameter(p.BiasHh.Length, gates, "bias_hh", l, "[4 * hidden_size]");
            RequireParameter(p.WeightIhGradient.Length, gates * inFeatures, "the gradient of weight_ih", l, "weight_ih's shape");
            RequireParameter(p.WeightHhGradient.Length, gates * HiddenSize, "the gradient of weight_hh", l, "weight_hh's shape");
            RequireParameter(p.BiasIhGradient.Length, gates, "the gradient of bias_ih", l, "[4 * hidden_size]");
            RequireParameter(p.BiasHhGradient.Length, gates, "the gradient of bias_hh", l, "[4 * hidden_size]");
        }
    }

    private static void RequireParameter(int actual, int expected, string what, int layer, string shape)
    {
        // The name is built only on failure: a steady-state call must not allocate.
        if (actual != expected)
        {
            RequireLength(actual, expected, string.Create(CultureInfo.InvariantCulture, $"{what}_l{layer}"), shape, "parameters");
        }
    }

    private static void RequireLength(int actual, int expected, string what, string shape, string parameterName)
    {
        if (actual != expected)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"LstmSequence: {what} must hold {expected} values ({shape}), but holds {actual}; pass a buffer of that shape."),
                parameterName);
        }
    }

    private static void RequireOptional(int actual, int expected, string what, string parameterName)
    {
        if (actual != 0 && actual != expected)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"LstmSequence: {what} must hold {expected} values ([num_layers, batch, hidden_size] or [batch, time, features]) or none, but holds {actual}; pass a buffer of that shape or an empty span."),
                parameterName);
        }
    }
}
