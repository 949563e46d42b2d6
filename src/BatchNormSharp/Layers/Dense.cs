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
public sealed class Dense : Layer, IAffineAbsorbingLayer
{
    private readonly Parameter _weight;
    private readonly Parameter _bias;

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
        if ((long)inFeatures * outFeatures > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(outFeatures), outFeatures,
                $"A {inFeatures} x {outFeatures} weight has more values than one array holds ({Array.MaxLength}).");
        }

        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        _weight = RegisterParameter(
            new Parameter("weight", Tensor.Zeros(inFeatures, outFeatures)) { TransposedInStateDict = true });
        _bias = RegisterParameter("bias", Tensor.Zeros(outFeatures));
        Initialize(init, random);
    }

    /// <summary>The number of input features.</summary>
    public int InFeatures { get; }

    /// <summary>The input width this layer requires: <see cref="InFeatures"/>.</summary>
    public override int? InputFeatures => InFeatures;

    /// <summary>The number of output features.</summary>
    public int OutFeatures { get; }

    /// <summary>The weight <c>W</c>, shape <c>[in, out]</c> (the transpose of PyTorch's <c>Linear.weight</c>).</summary>
    public Parameter Weight => _weight;

    /// <summary>The bias <c>b</c>, shape <c>[out]</c>.</summary>
    public Parameter Bias => _bias;

    /// <summary>A new Dense computing this one followed by <paramref name="affine"/>: <c>W' = W · s</c> (each output
    /// column scaled) and <c>b' = (b - c) · s + o</c>.</summary>
    /// <param name="affine">The map applied to this layer's output.</param>
    /// <returns>The new Dense, or <see langword="null"/> when the map has another number of features than
    /// <see cref="OutFeatures"/>.</returns>
    public Layer? AbsorbFollowingAffine(PerFeatureAffine affine)
    {
        ArgumentNullException.ThrowIfNull(affine);
        if (affine.Features != OutFeatures)
        {
            return null;
        }
        // The weight is [in, out], so the map scales its columns; the seed only fills the new layer until then.
        var folded = new Dense(InFeatures, OutFeatures, seed: 0);
        BatchNormFold.Weight(_weight.Value.AsReadOnlySpan(), InFeatures, OutFeatures, affine.Scale,
            folded._weight.Value.AsSpan());
        BatchNormFold.Bias(_bias.Value.AsReadOnlySpan(), affine.Center, affine.Scale, affine.Offset,
            folded._bias.Value.AsSpan());
        return folded;
    }

    /// <summary>Type <c>Dense</c> with <c>in_features</c> and <c>out_features</c>, for a whole-model file.</summary>
    /// <returns>The description.</returns>
    public override LayerConfig GetConfig() =>
        new LayerConfig("Dense").Set("in_features", InFeatures).Set("out_features", OutFeatures);

    /// <summary>The input's shape with its last dimension, which must be <see cref="InFeatures"/>, replaced by
    /// <see cref="OutFeatures"/>: like PyTorch's <c>Linear</c>, every dimension before the last counts rows.</summary>
    /// <param name="inputShape">The input's shape, e.g. <c>[batch, InFeatures]</c> or <c>[batch, time, InFeatures]</c>.</param>
    /// <param name="mode">Either mode: the layer computes the same in both.</param>
    /// <returns>The output's shape.</returns>
    /// <exception cref="ArgumentException">The last dimension is not <see cref="InFeatures"/>, or the input is empty.</exception>
    public override int[] OutputShape(ReadOnlySpan<int> inputShape, ForwardMode mode)
    {
        Shapes.RequireRowsOf(inputShape, InFeatures, this);
        return Shapes.WithFeatures(inputShape, OutFeatures);
    }

    /// <summary><c>y = x · W + b</c> into the caller's span, reading only the parameters; safe from several threads.</summary>
    /// <param name="input">The rows, row-major.</param>
    /// <param name="inputShape">Their shape.</param>
    /// <param name="output">The destination.</param>
    protected override void InferCore(ReadOnlySpan<double> input, ReadOnlySpan<int> inputShape, Span<double> output)
    {
        DenseFunctions.Forward(input, input.Length / InFeatures, InFeatures, OutFeatures, _weight.Value.AsReadOnlySpan(),
            _bias.Value.AsReadOnlySpan(), output);
    }

    /// <summary>
    /// Back-propagates: <c>dW += xᵀ · dy</c>, <c>db += Σ_rows dy</c>, and, when asked, <c>dx = dy · Wᵀ</c>.
    /// </summary>
    /// <param name="outputGradient">dL/dy, the last output's shape.</param>
    /// <param name="computeInputGradient">Whether dL/dx is needed.</param>
    /// <returns>dL/dx, the last input's shape, or <see langword="null"/>.</returns>
    protected override Tensor? BackwardCore(Tensor outputGradient, bool computeInputGradient)
    {
        var input = Input;
        var inputGradient = computeInputGradient ? ReuseInputGradient() : null;
        DenseFunctions.Backward(outputGradient.AsReadOnlySpan(), input.AsReadOnlySpan(), input.Length / InFeatures,
            InFeatures, OutFeatures, _weight.Value.AsReadOnlySpan(), _weight.Gradient.AsSpan(), _bias.Gradient.AsSpan(),
            inputGradient is null ? [] : inputGradient.AsSpan());
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
