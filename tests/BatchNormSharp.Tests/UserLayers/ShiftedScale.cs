using BatchNormSharp;

namespace SomeUser.Layers;

/// <summary>
/// A user's layer that can go into a whole-model file: <c>y = x · s + shift</c> with a learnable scale per feature
/// and a fixed shift, described through <see cref="GetConfig"/> and built back by the factory
/// <see cref="Register"/> adds to the registry.
/// </summary>
public sealed class ShiftedScale : Layer
{
    private static readonly Lazy<bool> s_registered = new(() =>
    {
        LayerRegistry.Register("SomeUser.ShiftedScale",
            config => new ShiftedScale(config.GetInt32("features"), config.GetDouble("shift")));
        return true;
    });

    private readonly Parameter _scale;

    public ShiftedScale(int features, double shift)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        Features = features;
        Shift = shift;
        _scale = RegisterParameter("scale", Tensor.Full(1.0, features));
    }

    public int Features { get; }

    public double Shift { get; }

    public Parameter Scale => _scale;

    /// <summary>Registers the factory once per test process (the registry is shared by every test).</summary>
    public static void Register() => _ = s_registered.Value;

    public override LayerConfig GetConfig() =>
        new LayerConfig("SomeUser.ShiftedScale").Set("features", Features).Set("shift", Shift);

    public override int? InputFeatures => Features;

    public override int[] OutputShape(ReadOnlySpan<int> inputShape, ForwardMode mode)
    {
        if (inputShape.Length != 2 || inputShape[1] != Features || inputShape[0] == 0)
        {
            throw new ArgumentException($"ShiftedScale expects input of shape [batch, {Features}].", nameof(inputShape));
        }
        return inputShape.ToArray();
    }

    protected override void InferCore(ReadOnlySpan<double> input, ReadOnlySpan<int> inputShape, Span<double> output)
    {
        ReadOnlySpan<double> scale = _scale.Value.AsReadOnlySpan();
        for (int i = 0; i < input.Length; i++)
        {
            output[i] = (input[i] * scale[i % Features]) + Shift;
        }
    }

    protected override Tensor? BackwardCore(Tensor outputGradient, bool computeInputGradient) =>
        throw new NotSupportedException("Not needed by the model-file tests.");
}
