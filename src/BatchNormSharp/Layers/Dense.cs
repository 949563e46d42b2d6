using BatchNormSharp.Kernels;
using MathNet.Numerics.Distributions;

namespace BatchNormSharp;

/// <summary>
/// A fully connected layer, <c>y = x · W + b</c>: PyTorch's <c>nn.Linear</c>.
/// </summary>
/// <remarks>
/// The weight is stored input-major, <c>W[in, out]</c>, so that the forward pass is a plain row-major product;
/// PyTorch's <c>Linear.weight</c> is the transpose, <c>[out, in]</c>. Parameters: <c>weight</c> <c>[in, out]</c>
/// and <c>bias</c> <c>[out]</c>.
/// <para>Inputs are not scanned for NaN or infinity (that would cost a pass over every value): a NaN input gives
/// NaN outputs, as in PyTorch. A <see cref="BatchNorm"/> in training mode and the <see cref="Trainer"/> catch them
/// downstream.</para>
/// </remarks>
public sealed class Dense : ILayer, IModeStateOwner, IInferenceLayer
{
    private readonly Parameter _weight;
    private readonly Parameter _bias;
    private Tensor? _input;
    private Tensor? _output;
    private Tensor? _inputGradient;
    private readonly ModeState _modeState = new();

    /// <summary>Creates a layer with weights drawn from a fixed seed, so that the same seed gives the same layer.</summary>
    /// <param name="inFeatures">The number of input features (at least 1).</param>
    /// <param name="outFeatures">The number of output features (at least 1).</param>
    /// <param name="seed">The seed of the random source the initial weights are drawn from.</param>
    /// <param name="init">The initialisation scheme; PyTorch's by default.</param>
    /// <exception cref="ArgumentOutOfRangeException">A feature count is less than 1.</exception>
    public Dense(int inFeatures, int outFeatures, int seed, WeightInit init = WeightInit.KaimingUniform)
        : this(inFeatures, outFeatures, new Random(seed), init)
    {
    }

    /// <summary>Creates a layer with weights drawn from <paramref name="random"/>.</summary>
    /// <param name="inFeatures">The number of input features (at least 1).</param>
    /// <param name="outFeatures">The number of output features (at least 1).</param>
    /// <param name="random">The random source; share one across the layers of a model to seed the model once.</param>
    /// <param name="init">The initialisation scheme; PyTorch's by default.</param>
    /// <exception cref="ArgumentOutOfRangeException">A feature count is less than 1.</exception>
    public Dense(int inFeatures, int outFeatures, Random random, WeightInit init = WeightInit.KaimingUniform)
    {
        Guard.Positive(inFeatures, nameof(inFeatures));
        Guard.Positive(outFeatures, nameof(outFeatures));
        ArgumentNullException.ThrowIfNull(random);
        if (!Enum.IsDefined(init))
        {
            throw new ArgumentOutOfRangeException(nameof(init), init, $"Unknown weight initialisation {init}.");
        }

        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        _weight = new Parameter("weight", Tensor.Zeros(inFeatures, outFeatures)) { TransposedInStateDict = true };
        _bias = new Parameter("bias", Tensor.Zeros(outFeatures));
        Parameters = [_weight, _bias];
        Initialize(init, random);
    }

    /// <summary>The number of input features.</summary>
    public int InFeatures { get; }

    /// <summary>The number of output features.</summary>
    public int OutFeatures { get; }

    /// <summary>The weight <c>W</c>, shape <c>[in, out]</c> (the transpose of PyTorch's <c>Linear.weight</c>).</summary>
    public Parameter Weight => _weight;

    /// <summary>The bias <c>b</c>, shape <c>[out]</c>.</summary>
    public Parameter Bias => _bias;

    /// <inheritdoc/>
    public ForwardMode Mode
    {
        get => _modeState.Mode;
        set => _modeState.Mode = value;
    }

    ModeState IModeStateOwner.ModeState => _modeState;

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <inheritdoc/>
    public IReadOnlyList<StateBuffer> Buffers { get; } = [];

    /// <summary>Computes <c>y = x · W + b</c>. The mode makes no difference to this layer.</summary>
    /// <param name="input">The batch, shape <c>[batch, InFeatures]</c>.</param>
    /// <param name="mode">Training or inference.</param>
    /// <returns>The output, shape <c>[batch, OutFeatures]</c>; valid until the next forward call.</returns>
    /// <exception cref="ArgumentException">The input is not <c>[batch, InFeatures]</c>.</exception>
    public Tensor Forward(Tensor input, ForwardMode mode)
    {
        Guard.Batch(input, InFeatures, nameof(Dense), nameof(input));
        Guard.NotOwnOutput(input, _output, nameof(Dense), nameof(input));
        ModeState.Validate(mode, nameof(mode));
        int batch = input.Shape[0];
        var output = Tensor.Reuse(_output, batch, OutFeatures);
        Gemm.Multiply(batch, OutFeatures, InFeatures, input.AsReadOnlySpan(), false,
            _weight.Value.AsReadOnlySpan(), false, accumulate: false, output.AsSpan());
        Elementwise.AddRowToEachRow(_bias.Value.AsReadOnlySpan(), batch, output.AsSpan());
        _input = input;
        _output = output;
        _modeState.ForwardCompleted(mode);
        return output;
    }

    /// <summary><c>y = x · W + b</c> into the caller's span, reading only the parameters; safe from several threads.</summary>
    void IInferenceLayer.Infer(ReadOnlySpan<double> input, int rows, int inputFeatures, Span<double> output)
    {
        Span<double> y = output[..(rows * OutFeatures)];
        Gemm.Multiply(rows, OutFeatures, InFeatures, input[..(rows * InFeatures)], false,
            _weight.Value.AsReadOnlySpan(), false, accumulate: false, y);
        Elementwise.AddRowToEachRow(_bias.Value.AsReadOnlySpan(), rows, y);
    }

    /// <summary>
    /// Back-propagates: <c>dW += xᵀ · dy</c>, <c>db += Σ_rows dy</c>, returns <c>dx = dy · Wᵀ</c>.
    /// </summary>
    /// <param name="outputGradient">dL/dy, shape <c>[batch, OutFeatures]</c>.</param>
    /// <returns>dL/dx, shape <c>[batch, InFeatures]</c>.</returns>
    /// <exception cref="InvalidOperationException">No forward pass to go back through.</exception>
    /// <exception cref="ArgumentException">The gradient's shape differs from the last output's.</exception>
    public Tensor Backward(Tensor outputGradient)
    {
        _modeState.RequireBackwardAllowed(nameof(Dense));
        Guard.SameShape(outputGradient, _output!, nameof(Dense), nameof(outputGradient));

        int batch = _input!.Shape[0];
        ReadOnlySpan<double> dy = outputGradient.AsReadOnlySpan();
        Gemm.Multiply(InFeatures, OutFeatures, batch, _input.AsReadOnlySpan(), true, dy, false,
            accumulate: true, _weight.Gradient.AsSpan());
        Elementwise.AddRowsInPlace(dy, batch, OutFeatures, _bias.Gradient.AsSpan());

        var inputGradient = Tensor.Reuse(_inputGradient, batch, InFeatures);
        Gemm.Multiply(batch, InFeatures, OutFeatures, dy, false, _weight.Value.AsReadOnlySpan(), true,
            accumulate: false, inputGradient.AsSpan());
        _inputGradient = inputGradient;
        _modeState.BackwardCompleted();
        return inputGradient;
    }

    /// <inheritdoc/>
    public override string ToString() => $"Dense({InFeatures} -> {OutFeatures})";

    private void Initialize(WeightInit init, Random random)
    {
        // Weights first, then bias, each row-major: one fixed order of draws makes a seed reproducible.
        double weightBound = init == WeightInit.XavierUniform
            ? Math.Sqrt(6.0 / (InFeatures + OutFeatures))
            : 1.0 / Math.Sqrt(InFeatures);
        var weightDistribution = new ContinuousUniform(-weightBound, weightBound, random);
        FillUniform(_weight.Value.AsSpan(), weightDistribution);

        if (init == WeightInit.KaimingUniform)
        {
            double biasBound = 1.0 / Math.Sqrt(InFeatures);
            FillUniform(_bias.Value.AsSpan(), new ContinuousUniform(-biasBound, biasBound, random));
        }
    }

    private static void FillUniform(Span<double> destination, ContinuousUniform distribution)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = distribution.Sample();
        }
    }
}
