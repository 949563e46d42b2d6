using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using BatchNormSharp.Kernels;

namespace BatchNormSharp;

/// <summary>
/// Standardises each input feature with a mean and a variance learned once from training rows, as Keras's
/// <c>Normalization</c> layer does: <c>y = (x - mean) / max(√variance, ε)</c>. Put it first in a model and the saved
/// model carries its scaling with it.
/// </summary>
/// <remarks>
/// <para>Call <see cref="Adapt"/> with the <em>training</em> rows only (never the test rows: that would leak them into
/// the model). The statistics are buffers (<c>mean</c>, <c>variance</c>), so they save, load and stay fixed while the
/// optimizer trains the other layers; the layer has no parameters and computes the same in both modes.</para>
/// <para>Conventions are Keras's: the variance is the biased one (divide by N), and ε = 1e-7 is a floor under the
/// standard deviation, not a term inside the root as in <see cref="BatchNorm"/>; a constant feature maps to 0.</para>
/// <para>Unlike a BatchNorm as first layer, the scaling does not move with each batch and does not depend on the
/// batch size: the usual choice for tabular inputs whose features have different units.</para>
/// </remarks>
public sealed class Normalization : Layer, IPerFeatureAffineLayer
{
    private readonly StateBuffer _mean;
    private readonly StateBuffer _variance;

    /// <summary>Creates an identity standardiser (mean 0, variance 1) for <paramref name="numFeatures"/> features;
    /// call <see cref="Adapt"/> before training.</summary>
    /// <param name="numFeatures">The width of the input (at least 1).</param>
    /// <param name="epsilon">The floor under the standard deviation; greater than 0. Default 1e-7 (Keras's).</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is outside its range.</exception>
    public Normalization(int numFeatures, double epsilon = NormalizationFunctions.DefaultEpsilon)
    {
        Guard.Positive(numFeatures, nameof(numFeatures));
        if (!(epsilon > 0.0) || !double.IsFinite(epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, string.Create(CultureInfo.InvariantCulture,
                $"epsilon must be a finite number greater than 0, but was {epsilon}."));
        }
        NumFeatures = numFeatures;
        Epsilon = epsilon;
        _mean = RegisterBuffer("mean", Tensor.Zeros(numFeatures));
        _variance = RegisterBuffer("variance", Tensor.Full(1.0, numFeatures));
    }

    /// <summary>The number of features standardised.</summary>
    public int NumFeatures { get; }

    /// <summary>The floor under the standard deviation.</summary>
    public double Epsilon { get; }

    /// <summary>The mean of each feature over the adapted rows.</summary>
    public Tensor Mean => _mean.Value;

    /// <summary>The biased variance of each feature over the adapted rows.</summary>
    public Tensor Variance => _variance.Value;

    /// <inheritdoc/>
    public override int? InputFeatures => NumFeatures;

    /// <summary>Learns the mean and the variance of each feature from <paramref name="trainingInputs"/> (two-pass),
    /// replacing what was there.</summary>
    /// <param name="trainingInputs">The training rows, shape <c>[rows, NumFeatures]</c>; finite values.</param>
    /// <returns>This layer, so that it can be built inline: <c>new Normalization(4).Adapt(train)</c>.</returns>
    /// <exception cref="ArgumentException">The shape does not fit, or a feature holds NaN or infinity (the row and
    /// column are named); nothing is changed.</exception>
    public Normalization Adapt(Tensor trainingInputs)
    {
        ArgumentNullException.ThrowIfNull(trainingInputs);
        if (trainingInputs.Rank != 2 || trainingInputs.Shape[1] != NumFeatures || trainingInputs.Shape[0] == 0)
        {
            throw new ArgumentException(
                $"Normalization.Adapt expects training rows of shape [rows, {NumFeatures}], but got " +
                $"{Tensor.FormatShape(trainingInputs.Shape)}.", nameof(trainingInputs));
        }
        DataChecks.RequireFinite(trainingInputs, nameof(trainingInputs));
        int rows = trainingInputs.Shape[0];
        var mean = new double[NumFeatures];
        var variance = new double[NumFeatures];
        NormalizationFunctions.Adapt(trainingInputs.AsReadOnlySpan(), rows, NumFeatures, mean, variance);
        if (NormalizationFunctions.FirstNonFiniteColumn(mean, variance) is var column and >= 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Normalization.Adapt expected finite statistics, but feature {column} has mean {mean[column]} and " +
                $"variance {variance[column]}: its values are too large to square. Nothing was changed."),
                nameof(trainingInputs));
        }
        mean.CopyTo(_mean.Value.AsSpan());
        variance.CopyTo(_variance.Value.AsSpan());
        return this;
    }

    /// <summary>The input's shape, whose last dimension must be <see cref="NumFeatures"/>.</summary>
    /// <param name="inputShape">The input's shape, batch first.</param>
    /// <param name="mode">Either mode: the layer computes the same in both.</param>
    /// <returns>A copy of <paramref name="inputShape"/>.</returns>
    /// <exception cref="ArgumentException">The shape does not fit.</exception>
    public override int[] OutputShape(ReadOnlySpan<int> inputShape, ForwardMode mode)
    {
        Shapes.RequireRowsOf(inputShape, NumFeatures, this);
        return inputShape.ToArray();
    }

    /// <summary><c>(x - mean) / max(√variance, ε)</c> into the caller's span; safe from several threads.</summary>
    /// <param name="input">The rows.</param>
    /// <param name="inputShape">Their shape.</param>
    /// <param name="output">The destination.</param>
    protected override void InferCore(ReadOnlySpan<double> input, ReadOnlySpan<int> inputShape, Span<double> output) =>
        NormalizationFunctions.Forward(input, input.Length / NumFeatures, NumFeatures, _mean.Value.AsReadOnlySpan(),
            _variance.Value.AsReadOnlySpan(), Epsilon, output);

    /// <summary>dL/dx = dL/dy / max(√variance, ε): the statistics are constants.</summary>
    /// <param name="outputGradient">dL/dy.</param>
    /// <param name="computeInputGradient">Whether dL/dx is needed (there is nothing else to compute).</param>
    /// <returns>dL/dx, or <see langword="null"/>.</returns>
    protected override Tensor? BackwardCore(Tensor outputGradient, bool computeInputGradient)
    {
        if (!computeInputGradient)
        {
            return null;
        }
        var inputGradient = ReuseInputGradient();
        NormalizationFunctions.Backward(outputGradient.AsReadOnlySpan(), outputGradient.Length / NumFeatures,
            NumFeatures, _variance.Value.AsReadOnlySpan(), Epsilon, inputGradient.AsSpan());
        return inputGradient;
    }

    /// <summary>The layer computes <c>(x - mean) / max(√variance, ε)</c>: that map, with the division as a factor.</summary>
    /// <param name="affine">The map.</param>
    /// <returns>Always <see langword="true"/>.</returns>
    public bool TryGetInferenceAffine([NotNullWhen(true)] out PerFeatureAffine? affine)
    {
        // (x - mean) / max(√variance, ε) = (x - mean) · (1 / max(√variance, ε)) + 0.
        var scale = new double[NumFeatures];
        NormalizationFunctions.Scale(_variance.Value.AsReadOnlySpan(), Epsilon, scale);
        BatchNormFold.Reciprocal(scale, scale);
        affine = new PerFeatureAffine(_mean.Value.AsReadOnlySpan(), scale, new double[NumFeatures]);
        return true;
    }

    /// <summary>Type <c>Normalization</c> with <c>num_features</c> and <c>epsilon</c>, for a whole-model file (the
    /// statistics are buffers and travel as tensors).</summary>
    /// <returns>The description.</returns>
    public override LayerConfig GetConfig() =>
        new LayerConfig("Normalization").Set("num_features", NumFeatures).Set("epsilon", Epsilon);

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"Normalization({NumFeatures}, epsilon={Epsilon})");
}
