using System.Buffers;
using System.Globalization;
using BatchNormSharp.Kernels;

namespace BatchNormSharp;

/// <summary>
/// A one-layer LSTM whose gates are batch-normalised, in one of two variants (<see cref="BatchNormLSTMVariant"/>):
/// the seed notebook's per-gate BatchNorms with statistics shared across time, or Cooijmans et al.'s recurrent batch
/// normalisation with statistics per time step. Input <c>[batch, time, InputSize]</c>, output every hidden state
/// <c>[batch, time, H]</c> (<see cref="ReturnSequences"/>) or the last one <c>[batch, H]</c>; the initial state is zero.
/// </summary>
/// <remarks>
/// <para><b>State.</b> Parameters <c>weight_ih</c> <c>[4H, I]</c>, <c>weight_hh</c> <c>[4H, H]</c>, <c>bias</c>
/// <c>[4H]</c> (one bias: a second would be removed by the normalisation), then the BatchNorms as children, so that
/// state-dict names nest and <see cref="LayerExtensions.Train"/> / <see cref="LayerExtensions.Eval"/> reach them.
/// Seed's variant: <c>bn_gates.{k}.weight</c>, <c>.bias</c>, <c>.running_mean</c>, <c>.running_var</c>,
/// <c>.num_batches_tracked</c> for k = 0…3 (gates i, f, g, o), each a <see cref="BatchNorm"/>(H). Cooijmans':
/// <c>bn_ih.weight</c> <c>[4H]</c>, <c>bn_hh.weight</c> <c>[4H]</c>, <c>bn_c.weight</c> and <c>bn_c.bias</c> <c>[H]</c>
/// (γ 0.1, β 0, shared by all steps), and per time step <c>t</c> below <see cref="MaxLength"/>
/// <c>bn_ih.{t}.running_mean</c>, <c>running_var</c>, <c>num_batches_tracked</c> (likewise <c>bn_hh.{t}</c>,
/// <c>bn_c.{t}</c>).</para>
/// <para><b>Modes.</b> Training normalises with each step's batch statistics and moves the running statistics
/// (seed's: once per time step; Cooijmans': each step its own, once per batch); it needs at least two sequences.
/// Inference uses the running statistics and changes nothing; a step at or beyond <see cref="MaxLength"/> uses the last
/// step's. Backward after an inference-mode forward treats the statistics as constants (fine-tuning with frozen
/// statistics). The arithmetic matches PyTorch's <c>BatchNorm1d</c> modules called once per step (docs/lstm.md §2).</para>
/// <para>A training step allocates nothing in steady state; <see cref="Layer.Infer"/> rents its working memory, so
/// many threads may predict with one model.</para>
/// </remarks>
public sealed class BatchNormLSTM : Layer
{
    private readonly Parameter _weightIh, _weightHh, _bias;
    private readonly BatchNormGroup[] _groups;
    private readonly Memory<double>[] _statistics;   // every running mean and variance, checked after a training pass
    private readonly BnLstmParameters _parameters;
    private readonly BnLstmSequence _sequence;
    private readonly InstancePool<BnLstmSequence> _inferenceDrivers;
    private double[] _sequenceOutput = [], _sequenceGradient = [], _finalHiddenGradient = [], _finalCellGradient = [];
    private double[] _inputGradientScratch = [];
    private Tensor? _finalHidden, _finalCell, _pendingFinalHiddenGradient, _pendingFinalCellGradient;
    private bool _cachesOfRefusedPass;   // the driver's caches belong to a refused batch, not to the pending forward pass

    /// <summary>Creates the layer with weights drawn from a fixed seed.</summary>
    /// <param name="inputSize">The features per time step (at least 1).</param>
    /// <param name="hiddenSize">The hidden units H (at least 1).</param>
    /// <param name="variant">Which cell.</param>
    /// <param name="seed">The seed of the random source the initial weights are drawn from.</param>
    /// <param name="maxLength">Cooijmans': the training sequence length, the number of per-step statistics kept
    /// (required, at least 1). Ignored by the seed's variant.</param>
    /// <param name="returnSequences">Return every hidden state (<see langword="true"/>) or only the last one.</param>
    /// <param name="init">The weights' initialisation: the seed's Xavier per gate by default. Biases start at 0.</param>
    /// <param name="eps">The BatchNorms' ε.</param>
    /// <param name="momentum">The BatchNorms' momentum (PyTorch's: the weight of the new batch).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range, or an unknown variant or
    /// initialisation.</exception>
    public BatchNormLSTM(int inputSize, int hiddenSize, BatchNormLSTMVariant variant, int seed, int maxLength = 0,
        bool returnSequences = false, RecurrentInit init = RecurrentInit.XavierPerGate, double eps = 1e-5,
        double momentum = 0.1)
        : this(inputSize, hiddenSize, variant, new Random(seed), maxLength, returnSequences, init, eps, momentum)
    {
    }

    /// <summary>Creates the layer with weights drawn from <paramref name="random"/>.</summary>
    /// <param name="inputSize">The features per time step (at least 1).</param>
    /// <param name="hiddenSize">The hidden units H (at least 1).</param>
    /// <param name="variant">Which cell.</param>
    /// <param name="random">The random source.</param>
    /// <param name="maxLength">Cooijmans': the training sequence length (required, at least 1). Ignored by the
    /// seed's variant.</param>
    /// <param name="returnSequences">Return every hidden state (<see langword="true"/>) or only the last one.</param>
    /// <param name="init">The weights' initialisation; biases start at 0.</param>
    /// <param name="eps">The BatchNorms' ε.</param>
    /// <param name="momentum">The BatchNorms' momentum.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range, or an unknown variant or
    /// initialisation.</exception>
    public BatchNormLSTM(int inputSize, int hiddenSize, BatchNormLSTMVariant variant, Random random, int maxLength = 0,
        bool returnSequences = false, RecurrentInit init = RecurrentInit.XavierPerGate, double eps = 1e-5,
        double momentum = 0.1)
    {
        Guard.Positive(inputSize, nameof(inputSize));
        Guard.Positive(hiddenSize, nameof(hiddenSize));
        ArgumentNullException.ThrowIfNull(random);
        if (!Enum.IsDefined(variant))
        {
            throw new ArgumentOutOfRangeException(nameof(variant), variant,
                $"Expected BatchNormLSTMVariant.SharedGateStatistics or BatchNormLSTMVariant.Cooijmans, but got {variant}.");
        }
        if (!Enum.IsDefined(init))
        {
            throw new ArgumentOutOfRangeException(nameof(init), init,
                $"Expected RecurrentInit.PyTorchDefault or RecurrentInit.XavierPerGate, but got {init}.");
        }
        if (variant == BatchNormLSTMVariant.Cooijmans && maxLength < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength,
                "The Cooijmans variant keeps statistics per time step: pass maxLength, the length of the training sequences (the look-back), at least 1.");
        }
        if (!(eps > 0.0) || double.IsInfinity(eps))
        {
            throw new ArgumentOutOfRangeException(nameof(eps), eps, "eps must be a finite number greater than 0.");
        }
        if (!(momentum >= 0.0 && momentum <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum,
                "momentum must lie in [0, 1] (the weight of the new batch; Keras's momentum m is 1 - m here).");
        }
        if (4L * hiddenSize * Math.Max(inputSize, hiddenSize) > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(hiddenSize), hiddenSize,
                "The weights would have more values than one array holds; use fewer hidden units.");
        }

        InputSize = inputSize;
        HiddenSize = hiddenSize;
        Variant = variant;
        MaxLength = variant == BatchNormLSTMVariant.Cooijmans ? maxLength : 0;
        ReturnSequences = returnSequences;
        Eps = eps;
        Momentum = momentum;
        int gates = 4 * hiddenSize;
        _weightIh = RegisterParameter("weight_ih", Tensor.Zeros(gates, inputSize));
        _weightHh = RegisterParameter("weight_hh", Tensor.Zeros(gates, hiddenSize));
        _bias = RegisterParameter("bias", Tensor.Zeros(gates));
        var unusedBias = new double[gates];
        if (init == RecurrentInit.PyTorchDefault)
        {
            LstmInit.PyTorchDefault(hiddenSize, random, _weightIh.Value.AsSpan(), _weightHh.Value.AsSpan(), _bias.Value.AsSpan(), unusedBias);
        }
        else
        {
            LstmInit.XavierPerGate(inputSize, hiddenSize, random, _weightIh.Value.AsSpan(), _weightHh.Value.AsSpan(), _bias.Value.AsSpan(), unusedBias);
        }
        // The paper's initialisation, and the seed's zero bias: b = 0 (torch's default would draw it).
        _bias.Value.Fill(0.0);

        _groups = variant == BatchNormLSTMVariant.SharedGateStatistics
            ? [RegisterChild("bn_gates", new BatchNormGroup(4, hiddenSize, affineMembers: true, null, false, eps, momentum))]
            :
            [
                RegisterChild("bn_ih", new BatchNormGroup(maxLength, gates, affineMembers: false, 0.1, false, eps, momentum)),
                RegisterChild("bn_hh", new BatchNormGroup(maxLength, gates, affineMembers: false, 0.1, false, eps, momentum)),
                RegisterChild("bn_c", new BatchNormGroup(maxLength, hiddenSize, affineMembers: false, 0.1, true, eps, momentum)),
            ];
        _parameters = new BnLstmParameters(_weightIh.Value.AsMemory(), _weightHh.Value.AsMemory(), _bias.Value.AsMemory(),
            _weightIh.Gradient.AsMemory(), _weightHh.Gradient.AsMemory(), _bias.Gradient.AsMemory());
        _statistics = [.. _groups.SelectMany(g => g.RunningMeans().Concat(g.RunningVars()))];
        _sequence = NewDriver();
        _inferenceDrivers = new InstancePool<BnLstmSequence>(NewDriver);
    }

    /// <summary>The features per time step.</summary>
    public int InputSize { get; }

    /// <summary>The input width this layer requires: <see cref="InputSize"/>.</summary>
    public override int? InputFeatures => InputSize;

    /// <summary>The hidden units H.</summary>
    public int HiddenSize { get; }

    /// <summary>Which cell.</summary>
    public BatchNormLSTMVariant Variant { get; }

    /// <summary>Cooijmans': the number of time steps with statistics of their own (the training length); 0 for the
    /// seed's variant, whose statistics serve every step.</summary>
    public int MaxLength { get; }

    /// <summary>Whether the output is every hidden state <c>[batch, time, H]</c> or only the last one <c>[batch, H]</c>.</summary>
    public bool ReturnSequences { get; }

    /// <summary>The BatchNorms' ε.</summary>
    public double Eps { get; }

    /// <summary>The BatchNorms' momentum (the weight of the new batch).</summary>
    public double Momentum { get; }

    /// <summary><c>weight_ih</c>, <c>[4H, InputSize]</c>, gate blocks i, f, g, o.</summary>
    public Parameter WeightIh => _weightIh;

    /// <summary><c>weight_hh</c>, <c>[4H, H]</c>.</summary>
    public Parameter WeightHh => _weightHh;

    /// <summary><c>bias</c>, <c>[4H]</c>.</summary>
    public Parameter Bias => _bias;

    /// <summary><c>h_n</c> of the last forward pass, <c>[1, batch, H]</c> (PyTorch's layout for one layer).</summary>
    /// <exception cref="InvalidOperationException">No forward pass has run.</exception>
    public Tensor FinalHidden => _finalHidden ?? throw NotYet(nameof(FinalHidden));

    /// <summary><c>c_n</c> of the last forward pass, <c>[1, batch, H]</c> (the cell before <c>bn_c</c> in Cooijmans').</summary>
    /// <exception cref="InvalidOperationException">No forward pass has run.</exception>
    public Tensor FinalCell => _finalCell ?? throw NotYet(nameof(FinalCell));

    /// <summary><c>[batch, time, H]</c> or <c>[batch, H]</c> for an input <c>[batch, time, InputSize]</c>, with at least
    /// two sequences in training.</summary>
    /// <param name="inputShape">The input's shape.</param>
    /// <param name="mode">The mode of the forward pass.</param>
    /// <returns>The output's shape.</returns>
    /// <exception cref="ArgumentException">The input does not fit, or a training batch of one sequence.</exception>
    public override int[] OutputShape(ReadOnlySpan<int> inputShape, ForwardMode mode)
    {
        LSTM.RequireSequence(inputShape, InputSize, HiddenSize, this);
        if (inputShape[0] < 2 && UsesBatchStatistics(mode))
        {
            throw Guard.SingleRowBatch("got", inputShape, nameof(inputShape));
        }
        return ReturnSequences ? [inputShape[0], inputShape[1], HiddenSize] : [inputShape[0], HiddenSize];
    }

    /// <summary>
    /// Back-propagates as <see cref="Layer.Backward(Tensor)"/>, with gradients flowing in through <c>(h_n, c_n)</c> as
    /// well.
    /// </summary>
    /// <param name="outputGradient">dL/d(output), the last output's shape.</param>
    /// <param name="finalHiddenGradient">dL/d(h_n), <c>[1, batch, H]</c>, or <see langword="null"/> for zeros.</param>
    /// <param name="finalCellGradient">dL/d(c_n), <c>[1, batch, H]</c>, or <see langword="null"/>.</param>
    /// <returns>dL/d(input).</returns>
    /// <exception cref="ArgumentException">A shape does not fit; nothing is changed.</exception>
    /// <exception cref="InvalidOperationException">There is no forward pass to go back through.</exception>
    public Tensor Backward(Tensor outputGradient, Tensor? finalHiddenGradient, Tensor? finalCellGradient)
    {
        if (_finalHidden is not null)
        {
            RequireState(finalHiddenGradient, _finalHidden.Shape[1], nameof(finalHiddenGradient));
            RequireState(finalCellGradient, _finalHidden.Shape[1], nameof(finalCellGradient));
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

    /// <summary>Runs the cell over the batch in <paramref name="mode"/>, keeping every step's cache.</summary>
    /// <param name="input">The checked input.</param>
    /// <param name="mode">Training (batch statistics, running statistics move) or inference.</param>
    /// <returns>The output.</returns>
    protected override Tensor ForwardCore(Tensor input, ForwardMode mode)
    {
        int batch = input.Shape[0], time = input.Shape[1], H = HiddenSize;
        if (_finalHidden is null || _finalHidden.Shape[1] != batch)
        {
            _finalHidden = Tensor.Zeros(1, batch, H);
            _finalCell = Tensor.Zeros(1, batch, H);
        }
        var output = ReuseOutput();
        Span<double> sequence = ReturnSequences ? output.AsSpan() : Grow(ref _sequenceOutput, batch * time * H);
        _sequence.Forward(batch, time, input.AsReadOnlySpan(), _parameters, mode == ForwardMode.Training, sequence,
            _finalHidden.AsSpan(), _finalCell!.AsSpan());
        if (mode == ForwardMode.Training)
        {
            RequireFiniteStatistics(input);
        }
        _cachesOfRefusedPass = false;
        if (!ReturnSequences)
        {
            _finalHidden.AsReadOnlySpan().CopyTo(output.AsSpan());
        }
        return output;
    }

    /// <summary>Backpropagation through time, through the normalisations in the mode the forward pass used.</summary>
    /// <param name="outputGradient">dL/d(output).</param>
    /// <param name="computeInputGradient">Whether dL/d(input) is needed.</param>
    /// <returns>dL/d(input), or <see langword="null"/>.</returns>
    protected override Tensor? BackwardCore(Tensor outputGradient, bool computeInputGradient)
    {
        if (_cachesOfRefusedPass)
        {
            throw new InvalidOperationException(
                "BatchNormLSTM.Backward cannot run: the last forward pass was refused (non-finite statistics) after it had " +
                "overwritten the per-step caches of the pass before it. Run Forward again on a good batch, then Backward.");
        }
        int batch = Input.Shape[0], time = Input.Shape[1], H = HiddenSize, step = batch * H;
        Span<double> finalHiddenGradient = Grow(ref _finalHiddenGradient, step);
        Span<double> finalCellGradient = Grow(ref _finalCellGradient, step);
        CopyOrClear(_pendingFinalHiddenGradient, finalHiddenGradient);
        CopyOrClear(_pendingFinalCellGradient, finalCellGradient);
        ReadOnlySpan<double> sequenceGradient;
        if (ReturnSequences)
        {
            sequenceGradient = outputGradient.AsReadOnlySpan();
        }
        else
        {
            // The output is h_n: its gradient joins dL/d(h_n); no gradient reaches the other steps' outputs.
            Span<double> zeros = Grow(ref _sequenceGradient, batch * time * H);
            zeros.Clear();
            sequenceGradient = zeros;
            Elementwise.AddInPlace(outputGradient.AsReadOnlySpan(), finalHiddenGradient);
        }
        var inputGradient = computeInputGradient ? ReuseInputGradient() : null;
        Span<double> dx = inputGradient is null ? Grow(ref _inputGradientScratch, batch * time * InputSize) : inputGradient.AsSpan();
        _sequence.Backward(sequenceGradient, finalHiddenGradient, finalCellGradient, _parameters, dx);
        return inputGradient;
    }

    /// <summary>The inference-mode output (running statistics, zero initial state) with a driver and working memory
    /// rented for the call: reads only parameters and buffers, so any number of threads may call it at once.</summary>
    /// <param name="input">The input, <c>[batch, time, InputSize]</c>.</param>
    /// <param name="inputShape">Its shape.</param>
    /// <param name="output">The destination.</param>
    protected override void InferCore(ReadOnlySpan<double> input, ReadOnlySpan<int> inputShape, Span<double> output)
    {
        int batch = inputShape[0], time = inputShape[1], H = HiddenSize, step = batch * H;
        var driver = _inferenceDrivers.Rent();
        var pool = ArrayPool<double>.Shared;
        double[] state = pool.Rent(2 * step);
        double[]? sequence = ReturnSequences ? null : pool.Rent(batch * time * H);
        try
        {
            Span<double> hidden = state.AsSpan(0, step), cell = state.AsSpan(step, step);
            driver.Forward(batch, time, input, _parameters, training: false,
                sequence is null ? output : sequence.AsSpan(0, batch * time * H), hidden, cell);
            if (sequence is not null)
            {
                hidden.CopyTo(output);
            }
        }
        finally
        {
            _inferenceDrivers.Return(driver);
            pool.Return(state);
            if (sequence is not null)
            {
                pool.Return(sequence);
            }
        }
    }

    /// <summary>Describes the layer for a whole-model file: sizes, variant, <c>max_length</c> (0 for the seed's
    /// variant), <c>return_sequences</c>, <c>eps</c>, <c>momentum</c> and the initialisation. Its BatchNorm groups are
    /// described as its children, and built again by its constructor on load.</summary>
    /// <returns>The description.</returns>
    public override LayerConfig GetConfig() => new LayerConfig("BatchNormLSTM")
        .Set("input_size", InputSize).Set("hidden_size", HiddenSize).Set("variant", Variant.ToString())
        .Set("max_length", MaxLength).Set("return_sequences", ReturnSequences).Set("eps", Eps).Set("momentum", Momentum);

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"BatchNormLSTM({InputSize}, {HiddenSize}, {Variant}{(Variant == BatchNormLSTMVariant.Cooijmans ? $", maxLength={MaxLength}" : "")}, returnSequences={ReturnSequences})");

    /// <summary>A driver whose normalisations read and write the children's tensors in place, with scratch of its own.</summary>
    private BnLstmSequence NewDriver()
    {
        int H = HiddenSize, G = 4 * H;
        if (Variant == BatchNormLSTMVariant.SharedGateStatistics)
        {
            var group = _groups[0];
            var blocks = new IStepBatchNorm[4];
            for (int k = 0; k < 4; k++)
            {
                var bn = group.Members[k];
                blocks[k] = new StepBatchNorm(H, bn.Weight!.Value.AsMemory(), bn.Weight.Gradient.AsMemory(),
                    bn.Bias!.Value.AsMemory(), bn.Bias.Gradient.AsMemory(),
                    [bn.RunningMean!.AsMemory()], [bn.RunningVar!.AsMemory()], [group.Counts()[k]], Eps, Momentum,
                    columnOffset: k * H, rowWidth: G);
            }
            return new BnLstmSequence(InputSize, H, BnLstmVariant.SharedGateStatistics, new ColumnBlockStepBatchNorm(blocks));
        }
        var norms = new IStepBatchNorm[3];
        for (int s = 0; s < 3; s++)
        {
            var group = _groups[s];
            int features = s == 2 ? H : G;
            norms[s] = new StepBatchNorm(features, group.SharedWeight!.Value.AsMemory(), group.SharedWeight.Gradient.AsMemory(),
                group.SharedBias?.Value.AsMemory() ?? Memory<double>.Empty, group.SharedBias?.Gradient.AsMemory() ?? Memory<double>.Empty,
                group.RunningMeans(), group.RunningVars(), group.Counts(), Eps, Momentum);
        }
        return new BnLstmSequence(InputSize, H, BnLstmVariant.Cooijmans, norms);
    }

    /// <summary>
    /// Refuses a training batch that left a running statistic NaN or infinite (a NaN or huge input, or diverged
    /// weights): <see cref="Layer.Forward(Tensor, ForwardMode)"/> then puts every running statistic back as it was, so
    /// that one bad batch cannot poison them for good. A few values per step to read.
    /// </summary>
    private void RequireFiniteStatistics(Tensor input)
    {
        foreach (var statistic in _statistics)
        {
            if (!AllFinite(statistic.Span))
            {
                _cachesOfRefusedPass = true;
                throw new NonFiniteBatchException(string.Create(CultureInfo.InvariantCulture,
                    $"BatchNormLSTM expected a training batch whose batch statistics are finite at every step, but the {Tensor.FormatShape(input.Shape)} batch gave NaN or infinite ones: ") +
                    "it holds NaN or infinite values, or values whose squares overflow. Nothing was changed; check the inputs, or lower the learning rate if the weights have diverged.",
                    nameof(input)) { Layer = this };
            }
        }
    }

    private static bool AllFinite(ReadOnlySpan<double> values)
    {
        foreach (double value in values)
        {
            if (!double.IsFinite(value))
            {
                return false;
            }
        }
        return true;
    }

    private void RequireState(Tensor? state, int batch, string parameterName)
    {
        if (state is not null && (state.Rank != 3 || state.Shape[0] != 1 || state.Shape[1] != batch || state.Shape[2] != HiddenSize))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"BatchNormLSTM expected a state gradient of shape [1, {batch}, {HiddenSize}] ([layers, batch, hiddenSize]), but got {Tensor.FormatShape(state.Shape)}."),
                parameterName);
        }
    }

    private static void CopyOrClear(Tensor? source, Span<double> destination)
    {
        if (source is null)
        {
            destination.Clear();
        }
        else
        {
            source.AsReadOnlySpan().CopyTo(destination);
        }
    }

    private static Span<double> Grow(ref double[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new double[length];
        }
        return buffer.AsSpan(0, length);
    }

    private static InvalidOperationException NotYet(string property) =>
        new($"BatchNormLSTM.{property} is set by Forward; call Forward first.");
}
