using System.Buffers;
using System.Globalization;
using BatchNormSharp.Kernels;

namespace BatchNormSharp;

/// <summary>
/// A long short-term memory layer, equal to <c>torch.nn.LSTM(input_size, hidden_size, num_layers, batch_first=True)</c>:
/// input <c>[batch, time, InputSize]</c>, output every hidden state of the top layer <c>[batch, time, HiddenSize]</c>
/// (<see cref="ReturnSequences"/>) or only the last one <c>[batch, HiddenSize]</c> (the default, Keras's, ready for a
/// <see cref="Dense"/> head).
/// </summary>
/// <remarks>
/// <para><b>Equations</b> (docs/lstm.md §1), per stacked layer and time step, gate order i, f, g, o as in PyTorch:
/// <c>z = x W_ih^T + b_ih + h W_hh^T + b_hh</c>, <c>c' = σ(z_f) ⊙ c + σ(z_i) ⊙ tanh(z_g)</c>,
/// <c>h' = σ(z_o) ⊙ tanh(c')</c>.</para>
/// <para><b>Parameters</b> carry PyTorch's names, shapes and order, so that <c>model.StateDict()</c> loads into
/// <c>torch.nn.LSTM</c> with <c>load_state_dict(strict=True)</c>: per layer <c>k</c>, <c>weight_ih_l{k}</c>
/// <c>[4H, In]</c> (In = InputSize for k = 0, H above), <c>weight_hh_l{k}</c> <c>[4H, H]</c>, <c>bias_ih_l{k}</c>
/// and <c>bias_hh_l{k}</c> <c>[4H]</c>.</para>
/// <para><b>State.</b> The initial state <c>(h0, c0)</c> is zero unless passed to
/// <see cref="Forward(Tensor, Tensor, Tensor, ForwardMode)"/>; after any forward pass <see cref="FinalHidden"/> and
/// <see cref="FinalCell"/> hold PyTorch's <c>(h_n, c_n)</c>, <c>[NumLayers, batch, H]</c>; after a backward pass
/// <see cref="InitialHiddenGradient"/> and <see cref="InitialCellGradient"/> hold dL/d(h0) and dL/d(c0).
/// <see cref="Backward(Tensor, Tensor, Tensor)"/> also takes gradients of <c>(h_n, c_n)</c>. Inside a
/// <see cref="Sequential"/> the layer sees only its input, so the state starts at zero there.</para>
/// <para>The layer computes the same in training and inference. A training step allocates nothing in steady state
/// (the working memory grows to the largest batch and length seen); <see cref="Layer.Infer"/> rents its working
/// memory, so many threads may predict with one model.</para>
/// </remarks>
public sealed class LSTM : Layer
{
    private readonly LstmLayerParameters[] _layers;
    private readonly LstmSequence _sequence;
    private readonly InstancePool<LstmSequence> _inferenceDrivers;
    private double[] _sequenceOutput = [];       // [batch, time, H] when only the last step is returned
    private double[] _finalHiddenGradient = [];  // [layers, batch, H] when only the last step is returned
    private double[] _initialHidden = [], _initialCell = [];
    private Tensor? _finalHidden, _finalCell, _initialHiddenGradient, _initialCellGradient;
    private Tensor? _pendingHidden, _pendingCell, _pendingFinalHiddenGradient, _pendingFinalCellGradient;
    private bool _forwardHadInitialState;

    /// <summary>Creates the layer with weights drawn from a fixed seed (the same seed gives the same layer).</summary>
    /// <param name="inputSize">The features per time step (at least 1).</param>
    /// <param name="hiddenSize">The hidden units H (at least 1).</param>
    /// <param name="seed">The seed of the random source the initial weights are drawn from.</param>
    /// <param name="numLayers">The number of stacked layers (at least 1); each above the first reads the hidden states
    /// of the one below.</param>
    /// <param name="returnSequences">Return every hidden state of the top layer <c>[batch, time, H]</c>
    /// (<see langword="true"/>, PyTorch's output) or only the last one <c>[batch, H]</c> (<see langword="false"/>,
    /// Keras's default).</param>
    /// <param name="init">The initialisation: PyTorch's by default.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is less than 1, or the weights would not fit one array.</exception>
    public LSTM(int inputSize, int hiddenSize, int seed, int numLayers = 1, bool returnSequences = false,
        RecurrentInit init = RecurrentInit.PyTorchDefault)
        : this(inputSize, hiddenSize, new Random(seed), numLayers, returnSequences, init)
    {
    }

    /// <summary>Creates the layer with weights drawn from <paramref name="random"/>.</summary>
    /// <param name="inputSize">The features per time step (at least 1).</param>
    /// <param name="hiddenSize">The hidden units H (at least 1).</param>
    /// <param name="random">The random source; share one across the layers of a model to seed the model once.</param>
    /// <param name="numLayers">The number of stacked layers (at least 1).</param>
    /// <param name="returnSequences">Return every hidden state (<see langword="true"/>) or only the last one.</param>
    /// <param name="init">The initialisation: PyTorch's by default.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is less than 1, or the weights would not fit one array.</exception>
    public LSTM(int inputSize, int hiddenSize, Random random, int numLayers = 1, bool returnSequences = false,
        RecurrentInit init = RecurrentInit.PyTorchDefault)
    {
        Guard.Positive(inputSize, nameof(inputSize));
        Guard.Positive(hiddenSize, nameof(hiddenSize));
        Guard.Positive(numLayers, nameof(numLayers));
        ArgumentNullException.ThrowIfNull(random);
        if (!Enum.IsDefined(init))
        {
            throw new ArgumentOutOfRangeException(nameof(init), init,
                $"Expected RecurrentInit.PyTorchDefault or RecurrentInit.XavierPerGate, but got {init}.");
        }
        if (4L * hiddenSize * Math.Max(inputSize, hiddenSize) > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(hiddenSize), hiddenSize, string.Create(CultureInfo.InvariantCulture,
                $"A [4 * {hiddenSize}, {Math.Max(inputSize, hiddenSize)}] weight has more values than one array holds ({Array.MaxLength}); use fewer hidden units."));
        }

        InputSize = inputSize;
        HiddenSize = hiddenSize;
        NumLayers = numLayers;
        ReturnSequences = returnSequences;
        Initialization = init;
        int gates = 4 * hiddenSize;
        _layers = new LstmLayerParameters[numLayers];
        for (int k = 0; k < numLayers; k++)
        {
            int inFeatures = k == 0 ? inputSize : hiddenSize;
            string suffix = string.Create(CultureInfo.InvariantCulture, $"_l{k}");
            var weightIh = RegisterParameter("weight_ih" + suffix, Tensor.Zeros(gates, inFeatures));
            var weightHh = RegisterParameter("weight_hh" + suffix, Tensor.Zeros(gates, hiddenSize));
            var biasIh = RegisterParameter("bias_ih" + suffix, Tensor.Zeros(gates));
            var biasHh = RegisterParameter("bias_hh" + suffix, Tensor.Zeros(gates));
            // One fixed order of draws (layer by layer, PyTorch's parameter order) makes a seed reproducible.
            if (init == RecurrentInit.PyTorchDefault)
            {
                LstmInit.PyTorchDefault(hiddenSize, random, weightIh.Value.AsSpan(), weightHh.Value.AsSpan(),
                    biasIh.Value.AsSpan(), biasHh.Value.AsSpan());
            }
            else
            {
                LstmInit.XavierPerGate(inFeatures, hiddenSize, random, weightIh.Value.AsSpan(), weightHh.Value.AsSpan(),
                    biasIh.Value.AsSpan(), biasHh.Value.AsSpan());
            }
            _layers[k] = new LstmLayerParameters(
                weightIh.Value.AsMemory(), weightHh.Value.AsMemory(), biasIh.Value.AsMemory(), biasHh.Value.AsMemory(),
                weightIh.Gradient.AsMemory(), weightHh.Gradient.AsMemory(), biasIh.Gradient.AsMemory(),
                biasHh.Gradient.AsMemory());
        }
        _sequence = new LstmSequence(inputSize, hiddenSize, numLayers);
        _inferenceDrivers = new InstancePool<LstmSequence>(() => new LstmSequence(InputSize, HiddenSize, NumLayers));
    }

    /// <summary>The features per time step.</summary>
    public int InputSize { get; }

    /// <summary>The input width this layer requires: <see cref="InputSize"/>.</summary>
    public override int? InputFeatures => InputSize;

    /// <summary>The hidden units H.</summary>
    public int HiddenSize { get; }

    /// <summary>The number of stacked layers.</summary>
    public int NumLayers { get; }

    /// <summary>Whether the output is every hidden state <c>[batch, time, H]</c> (PyTorch's output) or only the last
    /// one <c>[batch, H]</c>.</summary>
    public bool ReturnSequences { get; }

    /// <summary>How the weights were initialised.</summary>
    public RecurrentInit Initialization { get; }

    /// <summary><c>h_n</c> of the last forward pass, <c>[NumLayers, batch, H]</c>: each layer's hidden state after the
    /// last time step (PyTorch's <c>h_n</c>). Owned by the layer and overwritten by the next forward pass.</summary>
    /// <exception cref="InvalidOperationException">No forward pass has run.</exception>
    public Tensor FinalHidden => _finalHidden ?? throw NotYet(nameof(FinalHidden), "Forward");

    /// <summary><c>c_n</c> of the last forward pass, <c>[NumLayers, batch, H]</c>.</summary>
    /// <exception cref="InvalidOperationException">No forward pass has run.</exception>
    public Tensor FinalCell => _finalCell ?? throw NotYet(nameof(FinalCell), "Forward");

    /// <summary>dL/d(h0) from the last backward pass, <c>[NumLayers, batch, H]</c> (computed whether or not an
    /// initial state was given: zeros are a state too).</summary>
    /// <exception cref="InvalidOperationException">No backward pass has run.</exception>
    public Tensor InitialHiddenGradient => _initialHiddenGradient ?? throw NotYet(nameof(InitialHiddenGradient), "Backward");

    /// <summary>dL/d(c0) from the last backward pass, <c>[NumLayers, batch, H]</c>.</summary>
    /// <exception cref="InvalidOperationException">No backward pass has run.</exception>
    public Tensor InitialCellGradient => _initialCellGradient ?? throw NotYet(nameof(InitialCellGradient), "Backward");

    /// <summary>Whether the last forward pass started from a given <c>(h0, c0)</c> rather than zeros.</summary>
    public bool LastForwardHadInitialState => _forwardHadInitialState;

    /// <summary><c>[batch, time, H]</c> or <c>[batch, H]</c> (<see cref="ReturnSequences"/>) for an input
    /// <c>[batch, time, InputSize]</c>; the same in both modes.</summary>
    /// <param name="inputShape">The input's shape, batch first.</param>
    /// <param name="mode">Either mode.</param>
    /// <returns>The output's shape.</returns>
    /// <exception cref="ArgumentException">The input is not a non-empty <c>[batch, time, InputSize]</c>.</exception>
    public override int[] OutputShape(ReadOnlySpan<int> inputShape, ForwardMode mode)
    {
        RequireSequence(inputShape, InputSize, HiddenSize, this);
        return ReturnSequences ? [inputShape[0], inputShape[1], HiddenSize] : [inputShape[0], HiddenSize];
    }

    /// <summary>
    /// Runs the layer from the initial state <c>(h0, c0)</c> in the layer's current <see cref="Layer.Mode"/>:
    /// <c>lstm(x, (h0, c0))</c> in PyTorch.
    /// </summary>
    /// <param name="input">The sequences, <c>[batch, time, InputSize]</c>.</param>
    /// <param name="initialHidden"><c>h0</c>, <c>[NumLayers, batch, H]</c> (copied; it may be this layer's
    /// <see cref="FinalHidden"/>, to continue a sequence).</param>
    /// <param name="initialCell"><c>c0</c>, <c>[NumLayers, batch, H]</c>.</param>
    /// <returns>The output, as <see cref="Layer.Forward(Tensor, ForwardMode)"/>.</returns>
    /// <exception cref="ArgumentException">A shape does not fit; nothing is changed.</exception>
    public Tensor Forward(Tensor input, Tensor initialHidden, Tensor initialCell) =>
        Forward(input, initialHidden, initialCell, Mode);

    /// <summary>Runs the layer from the initial state <c>(h0, c0)</c> in <paramref name="mode"/>.</summary>
    /// <param name="input">The sequences, <c>[batch, time, InputSize]</c>.</param>
    /// <param name="initialHidden"><c>h0</c>, <c>[NumLayers, batch, H]</c> (copied).</param>
    /// <param name="initialCell"><c>c0</c>, <c>[NumLayers, batch, H]</c> (copied).</param>
    /// <param name="mode">The mode (the layer computes the same in both).</param>
    /// <returns>The output, as <see cref="Layer.Forward(Tensor, ForwardMode)"/>.</returns>
    /// <exception cref="ArgumentException">A shape does not fit; nothing is changed.</exception>
    public Tensor Forward(Tensor input, Tensor initialHidden, Tensor initialCell, ForwardMode mode)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(initialHidden);
        ArgumentNullException.ThrowIfNull(initialCell);
        if (input.Rank == 3)
        {
            RequireState(initialHidden, input.Shape[0], "h0", nameof(initialHidden));
            RequireState(initialCell, input.Shape[0], "c0", nameof(initialCell));
        }
        _pendingHidden = initialHidden;
        _pendingCell = initialCell;
        try
        {
            return Forward(input, mode);
        }
        finally
        {
            _pendingHidden = null;
            _pendingCell = null;
        }
    }

    /// <summary>
    /// Back-propagates as <see cref="Layer.Backward(Tensor)"/>, with gradients flowing in through <c>(h_n, c_n)</c> as
    /// well (PyTorch's <c>torch.autograd.backward([out, h_n, c_n], [dy, dh_n, dc_n])</c>).
    /// </summary>
    /// <param name="outputGradient">dL/d(output), the last output's shape.</param>
    /// <param name="finalHiddenGradient">dL/d(h_n), <c>[NumLayers, batch, H]</c>, or <see langword="null"/> for zeros.
    /// When only the last step is returned, it adds to <paramref name="outputGradient"/> at the top layer.</param>
    /// <param name="finalCellGradient">dL/d(c_n), <c>[NumLayers, batch, H]</c>, or <see langword="null"/>.</param>
    /// <returns>dL/d(input), as <see cref="Layer.Backward(Tensor)"/>.</returns>
    /// <exception cref="ArgumentException">A shape does not fit; nothing is changed.</exception>
    /// <exception cref="InvalidOperationException">There is no forward pass to go back through.</exception>
    public Tensor Backward(Tensor outputGradient, Tensor? finalHiddenGradient, Tensor? finalCellGradient)
    {
        if (_finalHidden is not null)
        {
            int batch = _finalHidden.Shape[1];
            if (finalHiddenGradient is not null)
            {
                RequireState(finalHiddenGradient, batch, "dL/d(h_n)", nameof(finalHiddenGradient));
            }
            if (finalCellGradient is not null)
            {
                RequireState(finalCellGradient, batch, "dL/d(c_n)", nameof(finalCellGradient));
            }
        }
        _pendingFinalHiddenGradient = finalHiddenGradient;
        _pendingFinalCellGradient = finalCellGradient;
        try
        {
            return Backward(outputGradient);
        }
        finally
        {
            _pendingFinalHiddenGradient = null;
            _pendingFinalCellGradient = null;
        }
    }

    /// <summary>Runs the stack over the batch, keeping every step's cache for the backward pass.</summary>
    /// <param name="input">The checked input.</param>
    /// <param name="mode">Either mode: the layer computes the same in both.</param>
    /// <returns>The output.</returns>
    protected override Tensor ForwardCore(Tensor input, ForwardMode mode)
    {
        int batch = input.Shape[0], time = input.Shape[1], H = HiddenSize, state = NumLayers * batch * H;
        ReadOnlySpan<double> h0 = default, c0 = default;
        if (_pendingHidden is not null)
        {
            // Copied first: the caller may pass this layer's own FinalHidden, which the pass overwrites.
            h0 = CopyInto(ref _initialHidden, _pendingHidden.AsReadOnlySpan());
            c0 = CopyInto(ref _initialCell, _pendingCell!.AsReadOnlySpan());
        }
        var finalHidden = ReuseState(ref _finalHidden, batch);
        var finalCell = ReuseState(ref _finalCell, batch);
        var output = ReuseOutput();
        Span<double> sequence = ReturnSequences ? output.AsSpan() : Grow(ref _sequenceOutput, batch * time * H);
        _sequence.Forward(batch, time, input.AsReadOnlySpan(), _layers, h0, c0, sequence, finalHidden.AsSpan(),
            finalCell.AsSpan());
        if (!ReturnSequences)
        {
            finalHidden.AsReadOnlySpan().Slice(state - (batch * H), batch * H).CopyTo(output.AsSpan());
        }
        _forwardHadInitialState = _pendingHidden is not null;
        return output;
    }

    /// <summary>Backpropagation through time: adds every parameter's gradient, sets the initial-state gradients and,
    /// when asked, returns dL/d(input).</summary>
    /// <param name="outputGradient">dL/d(output).</param>
    /// <param name="computeInputGradient">Whether dL/d(input) is needed.</param>
    /// <returns>dL/d(input), or <see langword="null"/>.</returns>
    protected override Tensor? BackwardCore(Tensor outputGradient, bool computeInputGradient)
    {
        int batch = Input.Shape[0], H = HiddenSize, state = NumLayers * batch * H;
        ReadOnlySpan<double> sequenceGradient, finalHiddenGradient;
        if (ReturnSequences)
        {
            sequenceGradient = outputGradient.AsReadOnlySpan();
            finalHiddenGradient = _pendingFinalHiddenGradient is null ? default : _pendingFinalHiddenGradient.AsReadOnlySpan();
        }
        else
        {
            // The output is the top layer's h_n: its gradient is dL/d(h_n) there.
            sequenceGradient = default;
            Span<double> gradient = Grow(ref _finalHiddenGradient, state);
            if (_pendingFinalHiddenGradient is null)
            {
                gradient.Clear();
            }
            else
            {
                _pendingFinalHiddenGradient.AsReadOnlySpan().CopyTo(gradient);
            }
            Elementwise.AddInPlace(outputGradient.AsReadOnlySpan(), gradient.Slice(state - (batch * H), batch * H));
            finalHiddenGradient = gradient;
        }
        ReadOnlySpan<double> finalCellGradient = _pendingFinalCellGradient is null ? default : _pendingFinalCellGradient.AsReadOnlySpan();
        var initialHiddenGradient = ReuseState(ref _initialHiddenGradient, batch);
        var initialCellGradient = ReuseState(ref _initialCellGradient, batch);
        var inputGradient = computeInputGradient ? ReuseInputGradient() : null;
        _sequence.Backward(sequenceGradient, finalHiddenGradient, finalCellGradient, _layers,
            inputGradient is null ? default : inputGradient.AsSpan(), initialHiddenGradient.AsSpan(),
            initialCellGradient.AsSpan());
        return inputGradient;
    }

    /// <summary>The output from a zero initial state, with working memory rented for the call: reads only the
    /// parameters, so any number of threads may call it at once.</summary>
    /// <param name="input">The input, <c>[batch, time, InputSize]</c>.</param>
    /// <param name="inputShape">Its shape.</param>
    /// <param name="output">The destination.</param>
    protected override void InferCore(ReadOnlySpan<double> input, ReadOnlySpan<int> inputShape, Span<double> output)
    {
        int batch = inputShape[0], time = inputShape[1], H = HiddenSize, state = NumLayers * batch * H;
        var driver = _inferenceDrivers.Rent();
        var pool = ArrayPool<double>.Shared;
        double[]? sequence = null, finalHidden = null;
        try
        {
            if (ReturnSequences)
            {
                driver.Forward(batch, time, input, _layers, default, default, output, default, default);
            }
            else
            {
                sequence = pool.Rent(batch * time * H);
                finalHidden = pool.Rent(state);
                driver.Forward(batch, time, input, _layers, default, default, sequence.AsSpan(0, batch * time * H),
                    finalHidden.AsSpan(0, state), default);
                finalHidden.AsSpan(state - (batch * H), batch * H).CopyTo(output);
            }
        }
        finally
        {
            _inferenceDrivers.Return(driver);
            if (sequence is not null)
            {
                pool.Return(sequence);
                pool.Return(finalHidden!);
            }
        }
    }

    /// <summary>Describes the layer for a whole-model file, in PyTorch's names (<c>input_size</c>, <c>hidden_size</c>,
    /// <c>num_layers</c>) plus <c>return_sequences</c> and the initialisation (weights travel as tensors).</summary>
    /// <returns>The description.</returns>
    public override LayerConfig GetConfig() => new LayerConfig("LSTM")
        .Set("input_size", InputSize).Set("hidden_size", HiddenSize).Set("num_layers", NumLayers)
        .Set("return_sequences", ReturnSequences).Set("init", Initialization.ToString());

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"LSTM({InputSize}, {HiddenSize}, numLayers={NumLayers}, returnSequences={ReturnSequences})");

    /// <summary>Requires a non-empty <c>[batch, time, features]</c> sequence that fits one array at every layer's
    /// width; shared with the batch-normalised LSTM.</summary>
    internal static void RequireSequence(ReadOnlySpan<int> inputShape, int features, int hidden, Layer layer)
    {
        if (inputShape.Length != 3 || inputShape[2] != features)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{layer} expects sequences of shape [batch, time, {features}] (batch first), but got {Tensor.FormatShape(inputShape)}.") +
                " A series with one value per step is [windows, lookBack, 1]: SeriesWindows.Create makes it.", nameof(inputShape));
        }
        if (inputShape[0] == 0 || inputShape[1] == 0)
        {
            throw new ArgumentException(
                $"{layer} expects at least one sequence of at least one time step, but got {Tensor.FormatShape(inputShape)}.",
                nameof(inputShape));
        }
        if ((long)inputShape[0] * (inputShape[1] + 1) * 4 * Math.Max(features, hidden) > Array.MaxLength)
        {
            throw new ArgumentException(
                $"{layer} got {Tensor.FormatShape(inputShape)}, more values per layer than one array holds: split the batch.",
                nameof(inputShape));
        }
    }

    private void RequireState(Tensor state, int batch, string what, string parameterName)
    {
        if (state.Rank != 3 || state.Shape[0] != NumLayers || state.Shape[1] != batch || state.Shape[2] != HiddenSize)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"LSTM expected {what} of shape [{NumLayers}, {batch}, {HiddenSize}] ([numLayers, batch, hiddenSize], PyTorch's layout), " +
                $"but got {Tensor.FormatShape(state.Shape)}. Pass one row per sequence of the batch for every stacked layer."),
                parameterName);
        }
    }

    private Tensor ReuseState(ref Tensor? tensor, int batch)
    {
        if (tensor is null || tensor.Shape[1] != batch)
        {
            tensor = Tensor.Zeros(NumLayers, batch, HiddenSize);
        }
        return tensor;
    }

    private static ReadOnlySpan<double> CopyInto(ref double[] buffer, ReadOnlySpan<double> values)
    {
        Span<double> destination = Grow(ref buffer, values.Length);
        values.CopyTo(destination);
        return destination;
    }

    private static Span<double> Grow(ref double[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new double[length];
        }
        return buffer.AsSpan(0, length);
    }

    private static InvalidOperationException NotYet(string property, string call) =>
        new($"LSTM.{property} is set by {call}; call {call} first.");
}
