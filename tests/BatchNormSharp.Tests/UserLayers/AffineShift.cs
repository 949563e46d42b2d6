using System.Diagnostics.CodeAnalysis;
using BatchNormSharp;

namespace SomeUser.Layers;

/// <summary>
/// A user's layer <c>y = x · scale + shift</c> per feature that tells the library it is a constant affine map
/// (<see cref="IPerFeatureAffineLayer"/>), so that BatchNorm folding merges it into a Dense in front of it with no
/// edit in the library.
/// </summary>
public sealed class AffineShift : Layer, IPerFeatureAffineLayer
{
    private static readonly Lazy<bool> s_registered = new(() =>
    {
        LayerRegistry.Register("SomeUser.AffineShift", config => new AffineShift(config.GetInt32("features")));
        return true;
    });

    public AffineShift(int features)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        Features = features;
        Scale = RegisterParameter("scale", Tensor.Full(1.0, features));
        Shift = RegisterParameter("shift", Tensor.Zeros(features));
    }

    public int Features { get; }

    public Parameter Scale { get; }

    public Parameter Shift { get; }

    /// <summary>Registers the factory once per test process (the registry is shared by every test).</summary>
    public static void Register() => _ = s_registered.Value;

    public override LayerConfig GetConfig() => new LayerConfig("SomeUser.AffineShift").Set("features", Features);

    public bool TryGetInferenceAffine([NotNullWhen(true)] out PerFeatureAffine? affine)
    {
        affine = new PerFeatureAffine(new double[Features], Scale.Value.AsReadOnlySpan(), Shift.Value.AsReadOnlySpan());
        return true;
    }

    public override int[] OutputShape(ReadOnlySpan<int> inputShape, ForwardMode mode)
    {
        if (inputShape.Length != 2 || inputShape[1] != Features || inputShape[0] == 0)
        {
            throw new ArgumentException($"AffineShift expects input of shape [batch, {Features}].", nameof(inputShape));
        }
        return inputShape.ToArray();
    }

    protected override void InferCore(ReadOnlySpan<double> input, ReadOnlySpan<int> inputShape, Span<double> output)
    {
        ReadOnlySpan<double> scale = Scale.Value.AsReadOnlySpan(), shift = Shift.Value.AsReadOnlySpan();
        for (int i = 0; i < input.Length; i++)
        {
            output[i] = (input[i] * scale[i % Features]) + shift[i % Features];
        }
    }

    protected override Tensor? BackwardCore(Tensor outputGradient, bool computeInputGradient) =>
        throw new NotSupportedException("Not needed by the folding tests.");
}
