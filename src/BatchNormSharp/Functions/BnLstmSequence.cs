using System.Globalization;
using BatchNormSharp.Kernels;

namespace BatchNormSharp;

/// <summary>
/// A batch-normalised LSTM cell (one layer, <c>h_0 = c_0 = 0</c>) over whole sequences <c>[batch, time, I]</c>,
/// built from the LSTM's step functions (<see cref="LstmFunctions"/>) with the normalisations plugged in through
/// <see cref="IStepBatchNorm"/>; output <c>[batch, time, H]</c> and <c>(h_n, c_n)</c> of <c>[batch, H]</c>; backward
/// gives the input gradient and adds the weights' and the normalisations' gradients. Equations: docs/lstm.md §2.
/// </summary>
/// <remarks>
/// Sequences are time-major inside, as in <see cref="LstmSequence"/>; working memory grows to the largest batch and
/// length seen and is reused.
/// </remarks>
internal sealed class BnLstmSequence
{
    private LstmStepCache[] _caches = [];
    private double[] _input = [], _hidden = [], _cell = [], _projections = [], _inputGradients = [], _recurrentGradients = [];
    private double[] _pre = [], _normed = [], _gateGradients = [], _cellHat = [], _cellHatGradient = [], _cellFromHidden = [];
    private double[] _dhA = [], _dhB = [], _dc = [], _upstream = [], _inputGradient = [];
    private int _batch, _time;

    /// <summary>Creates the cell for <paramref name="inputSize"/> inputs and <paramref name="hidden"/> units.</summary>
    /// <param name="inputSize">The input features I.</param>
    /// <param name="hidden">The hidden size H.</param>
    /// <param name="variant">Which cell.</param>
    /// <param name="norms">The normalisations: for <see cref="BnLstmVariant.SharedGateStatistics"/> one of 4H
    /// features (the four gates' BatchNorms side by side); for <see cref="BnLstmVariant.Cooijmans"/> three: of
    /// <c>x W_ih^T</c> (4H), of <c>h W_hh^T</c> (4H) and of <c>c_t</c> (H).</param>
    public BnLstmSequence(int inputSize, int hidden, BnLstmVariant variant, params IStepBatchNorm[] norms)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hidden);
        ArgumentNullException.ThrowIfNull(norms);
        int[] expected = variant == BnLstmVariant.SharedGateStatistics ? [4 * hidden] : [4 * hidden, 4 * hidden, hidden];
        if (norms.Length != expected.Length || norms.Select(n => n.Features).Where((f, k) => f != expected[k]).Any())
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"BnLstmSequence: the {variant} cell needs normalisations of [{string.Join(", ", expected)}] features, got [{string.Join(", ", norms.Select(n => n.Features))}]."),
                nameof(norms));
        }
        InputSize = inputSize;
        Hidden = hidden;
        Variant = variant;
        Norms = norms;
    }

    /// <summary>The input features I.</summary>
    public int InputSize { get; }

    /// <summary>The hidden size H.</summary>
    public int Hidden { get; }

    /// <summary>Which cell.</summary>
    public BnLstmVariant Variant { get; }

    /// <summary>The normalisations, in the order of the constructor.</summary>
    public IReadOnlyList<IStepBatchNorm> Norms { get; }

    /// <summary>Runs the cell over a batch of sequences.</summary>
    /// <param name="batch">The number of sequences (at least 2 in training).</param>
    /// <param name="time">The number of time steps.</param>
    /// <param name="input">The input, <c>[batch, time, I]</c>.</param>
    /// <param name="parameters">The weights.</param>
    /// <param name="training">Batch statistics (moving the running statistics) or running statistics.</param>
    /// <param name="output">Every hidden state, <c>[batch, time, H]</c>, written.</param>
    /// <param name="finalHidden"><c>h_n</c>, <c>[batch, H]</c>, written.</param>
    /// <param name="finalCell"><c>c_n</c>, <c>[batch, H]</c>, written.</param>
    public void Forward(
        int batch, int time, ReadOnlySpan<double> input, BnLstmParameters parameters, bool training,
        Span<double> output, Span<double> finalHidden, Span<double> finalCell)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(time);
        ArgumentNullException.ThrowIfNull(parameters);
        int H = Hidden, G = 4 * H, step = batch * H, rows = time * batch;
        Require(input.Length == rows * InputSize, "input", rows * InputSize, input.Length, nameof(input));
        Require(output.Length == rows * H, "output", rows * H, output.Length, nameof(output));
        Require(finalHidden.Length == step, "h_n", step, finalHidden.Length, nameof(finalHidden));
        Require(finalCell.Length == step, "c_n", step, finalCell.Length, nameof(finalCell));
        RequireParameters(parameters);
        if (training && batch < 2)
        {
            // Refused before any running statistic moves.
            throw new ArgumentException(
                "BnLstmSequence expected more than 1 value per feature when training, got a batch of 1; train with batches of 2 or more sequences.",
                nameof(batch));
        }

        Prepare(batch, time);
        SequenceLayout.ToTimeMajor(input, batch, time, InputSize, _input);
        ReadOnlySpan<double> x = _input.AsSpan(0, rows * InputSize), weightHh = parameters.WeightHh.Span;
        ReadOnlySpan<double> bias = parameters.Bias.Span;
        Span<double> projections = _projections.AsSpan(0, rows * G), pre = _pre.AsSpan(0, batch * G);
        Gemm.Multiply(rows, G, InputSize, x, false, parameters.WeightIh.Span, true, false, projections);
        Span<double> hs = _hidden, cs = _cell;
        hs[..step].Clear();
        cs[..step].Clear();
        for (int t = 0; t < time; t++)
        {
            var cache = _caches[t];
            cache.Prepare(batch);
            Span<double> gates = cache.Gates;
            ReadOnlySpan<double> hPrev = hs.Slice(t * step, step), cPrev = cs.Slice(t * step, step);
            Span<double> h = hs.Slice((t + 1) * step, step), c = cs.Slice((t + 1) * step, step);
            ReadOnlySpan<double> projected = projections.Slice(t * batch * G, batch * G);
            Gemm.Multiply(batch, G, H, hPrev, false, weightHh, true, false, pre);
            if (Variant == BnLstmVariant.SharedGateStatistics)
            {
                // z = x W_ih^T + h W_hh^T + b, then each gate's own BatchNorm.
                Elementwise.AddInPlace(projected, pre);
                AddBias(batch, G, bias, pre);
                Norms[0].Forward(t, batch, pre, gates, training);
                LstmFunctions.ActivateGates(batch, H, gates);
                LstmFunctions.CellForward(batch, H, gates, cPrev, c);
                LstmFunctions.HiddenForward(batch, H, gates, c, cache.TanhCell, h);
            }
            else
            {
                // z = BN_hh(h W_hh^T) + BN_ih(x W_ih^T) + b;  h = o ⊙ tanh(BN_c(c)).
                Span<double> normed = _normed.AsSpan(0, batch * G), cellHat = _cellHat.AsSpan(0, step);
                Norms[0].Forward(t, batch, projected, gates, training);
                Norms[1].Forward(t, batch, pre, normed, training);
                Elementwise.AddInPlace(normed, gates);
                AddBias(batch, G, bias, gates);
                LstmFunctions.ActivateGates(batch, H, gates);
                LstmFunctions.CellForward(batch, H, gates, cPrev, c);
                Norms[2].Forward(t, batch, c, cellHat, training);
                LstmFunctions.HiddenForward(batch, H, gates, cellHat, cache.TanhCell, h);
            }
        }
        hs.Slice(time * step, step).CopyTo(finalHidden);
        cs.Slice(time * step, step).CopyTo(finalCell);
        SequenceLayout.ToBatchFirst(hs.Slice(step, rows * H), batch, time, H, output);
        _batch = batch;
        _time = time;
    }

    /// <summary>
    /// Backpropagation through time for the last <see cref="Forward"/>, in the mode it used: writes dL/d(input) and
    /// adds the gradients of the weights and of the normalisations' γ and β.
    /// </summary>
    /// <param name="outputGradient">dL/d(output), <c>[batch, time, H]</c>.</param>
    /// <param name="finalHiddenGradient">dL/d(h_n), <c>[batch, H]</c>.</param>
    /// <param name="finalCellGradient">dL/d(c_n), <c>[batch, H]</c>.</param>
    /// <param name="parameters">The weights the forward pass used.</param>
    /// <param name="inputGradient">dL/d(input), <c>[batch, time, I]</c>, written.</param>
    /// <exception cref="InvalidOperationException">No forward pass ran before.</exception>
    public void Backward(
        ReadOnlySpan<double> outputGradient, ReadOnlySpan<double> finalHiddenGradient,
        ReadOnlySpan<double> finalCellGradient, BnLstmParameters parameters, Span<double> inputGradient)
    {
        if (_time == 0)
        {
            throw new InvalidOperationException("BnLstmSequence.Backward: there is no forward pass to differentiate; call Forward first.");
        }
        ArgumentNullException.ThrowIfNull(parameters);
        int batch = _batch, time = _time, H = Hidden, G = 4 * H, step = batch * H, rows = time * batch;
        Require(outputGradient.Length == rows * H, "the output gradient", rows * H, outputGradient.Length, nameof(outputGradient));
        Require(finalHiddenGradient.Length == step, "the h_n gradient", step, finalHiddenGradient.Length, nameof(finalHiddenGradient));
        Require(finalCellGradient.Length == step, "the c_n gradient", step, finalCellGradient.Length, nameof(finalCellGradient));
        Require(inputGradient.Length == rows * InputSize, "the input gradient", rows * InputSize, inputGradient.Length, nameof(inputGradient));
        RequireParameters(parameters);

        Span<double> upstream = _upstream.AsSpan(0, rows * H);
        SequenceLayout.ToTimeMajor(outputGradient, batch, time, H, upstream);
        ReadOnlySpan<double> cs = _cell, weightHh = parameters.WeightHh.Span;
        Span<double> dh = _dhA.AsSpan(0, step), dhPrevious = _dhB.AsSpan(0, step), dc = _dc.AsSpan(0, step);
        Span<double> da = _gateGradients.AsSpan(0, batch * G);
        Span<double> dInput = _inputGradients.AsSpan(0, rows * G), dRecurrent = _recurrentGradients.AsSpan(0, rows * G);
        Span<double> biasGradient = parameters.BiasGradient.Span;
        finalHiddenGradient.CopyTo(dh);
        finalCellGradient.CopyTo(dc);
        for (int t = time - 1; t >= 0; t--)
        {
            var cache = _caches[t];
            ReadOnlySpan<double> gates = cache.Gates, cPrev = cs.Slice(t * step, step);
            ReadOnlySpan<double> up = upstream.Slice(t * step, step);
            Span<double> dzInput = dInput.Slice(t * batch * G, batch * G);
            if (Variant == BnLstmVariant.SharedGateStatistics)
            {
                LstmFunctions.HiddenBackward(batch, H, up, dh, gates, cache.TanhCell, da, dc);
                LstmFunctions.CellBackward(batch, H, dc, cPrev, gates, da);
                // Back through the gates' BatchNorm to z, which feeds W_ih, W_hh and the bias alike.
                Norms[0].Backward(t, batch, da, dzInput);
                Gemm.Multiply(batch, H, G, dzInput, false, weightHh, false, false, dhPrevious);
            }
            else
            {
                Span<double> cellHatGradient = _cellHatGradient.AsSpan(0, step), fromHidden = _cellFromHidden.AsSpan(0, step);
                Span<double> dzRecurrent = dRecurrent.Slice(t * batch * G, batch * G);
                cellHatGradient.Clear();
                LstmFunctions.HiddenBackward(batch, H, up, dh, gates, cache.TanhCell, da, cellHatGradient);
                Norms[2].Backward(t, batch, cellHatGradient, fromHidden);
                Elementwise.AddInPlace(fromHidden, dc);
                LstmFunctions.CellBackward(batch, H, dc, cPrev, gates, da);
                Elementwise.AddRowsInPlace(da, batch, G, biasGradient);
                Norms[0].Backward(t, batch, da, dzInput);
                Norms[1].Backward(t, batch, da, dzRecurrent);
                Gemm.Multiply(batch, H, G, dzRecurrent, false, weightHh, false, false, dhPrevious);
            }
            Span<double> swap = dh;
            dh = dhPrevious;
            dhPrevious = swap;
        }

        ReadOnlySpan<double> x = _input.AsSpan(0, rows * InputSize), hPrev = _hidden.AsSpan(0, rows * H);
        LstmFunctions.AccumulateWeightGradient(rows, InputSize, H, dInput, x, parameters.WeightIhGradient.Span);
        if (Variant == BnLstmVariant.SharedGateStatistics)
        {
            LstmFunctions.AccumulateWeightGradient(rows, H, H, dInput, hPrev, parameters.WeightHhGradient.Span);
            Elementwise.AddRowsInPlace(dInput, rows, G, biasGradient);
        }
        else
        {
            LstmFunctions.AccumulateWeightGradient(rows, H, H, dRecurrent, hPrev, parameters.WeightHhGradient.Span);
        }
        Span<double> dx = _inputGradient.AsSpan(0, rows * InputSize);
        LstmFunctions.InputGradient(rows, InputSize, H, dInput, parameters.WeightIh.Span, dx);
        SequenceLayout.ToBatchFirst(dx, batch, time, InputSize, inputGradient);
    }

    private static void AddBias(int batch, int width, ReadOnlySpan<double> bias, Span<double> rows)
    {
        for (int b = 0; b < batch; b++)
        {
            Elementwise.AddInPlace(bias[..width], rows.Slice(b * width, width));
        }
    }

    private void Prepare(int batch, int time)
    {
        int H = Hidden, G = 4 * H, rows = batch * time;
        Grow(ref _input, rows * InputSize);
        Grow(ref _inputGradient, rows * InputSize);
        Grow(ref _hidden, (time + 1) * batch * H);
        Grow(ref _cell, (time + 1) * batch * H);
        Grow(ref _projections, rows * G);
        Grow(ref _inputGradients, rows * G);
        Grow(ref _recurrentGradients, rows * G);
        Grow(ref _upstream, rows * H);
        Grow(ref _pre, batch * G);
        Grow(ref _normed, batch * G);
        Grow(ref _gateGradients, batch * G);
        Grow(ref _cellHat, batch * H);
        Grow(ref _cellHatGradient, batch * H);
        Grow(ref _cellFromHidden, batch * H);
        Grow(ref _dhA, batch * H);
        Grow(ref _dhB, batch * H);
        Grow(ref _dc, batch * H);
        if (_caches.Length < time)
        {
            var caches = new LstmStepCache[time];
            _caches.CopyTo(caches, 0);
            for (int t = _caches.Length; t < time; t++)
            {
                caches[t] = new LstmStepCache(H);
            }
            _caches = caches;
        }
    }

    private static void Grow(ref double[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new double[length];
        }
    }

    private void RequireParameters(BnLstmParameters parameters)
    {
        int G = 4 * Hidden;
        Require(parameters.WeightIh.Length == G * InputSize, "weight_ih [4H, I]", G * InputSize, parameters.WeightIh.Length, nameof(parameters));
        Require(parameters.WeightHh.Length == G * Hidden, "weight_hh [4H, H]", G * Hidden, parameters.WeightHh.Length, nameof(parameters));
        Require(parameters.Bias.Length == G, "bias [4H]", G, parameters.Bias.Length, nameof(parameters));
    }

    private static void Require(bool condition, string what, int expected, int actual, string parameterName)
    {
        if (!condition)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"BnLstmSequence: {what} must hold {expected} values, but holds {actual}; pass a buffer of that shape."), parameterName);
        }
    }
}
