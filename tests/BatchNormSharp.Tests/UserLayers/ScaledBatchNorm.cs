using BatchNormSharp;

namespace SomeUser.Layers;

/// <summary>
/// A user's composite layer with named children, <c>bn</c> then <c>scale</c>: its state-dict names nest
/// (<c>1.bn.running_mean</c>, <c>1.scale.scale</c>), and it runs its children through their public Forward, Backward
/// and Infer.
/// </summary>
public sealed class ScaledBatchNorm : Layer
{
    private readonly BatchNorm _bn;
    private readonly PerFeatureScale _scale;

    public ScaledBatchNorm(int features)
    {
        _bn = RegisterChild("bn", new BatchNorm(features));
        _scale = RegisterChild("scale", new PerFeatureScale(features));
    }

    public BatchNorm Norm => _bn;

    public PerFeatureScale Scale => _scale;

    public override int? InputFeatures => _bn.NumFeatures;

    public override int[] OutputShape(ReadOnlySpan<int> inputShape, ForwardMode mode) =>
        _scale.OutputShape(_bn.OutputShape(inputShape, mode), mode);

    protected override Tensor ForwardCore(Tensor input, ForwardMode mode) =>
        _scale.Forward(_bn.Forward(input, mode), mode);

    protected override void InferCore(ReadOnlySpan<double> input, ReadOnlySpan<int> inputShape, Span<double> output)
    {
        var normalised = new double[input.Length];
        _bn.Infer(input, inputShape, normalised);
        _scale.Infer(normalised, inputShape, output);
    }

    protected override Tensor? BackwardCore(Tensor outputGradient, bool computeInputGradient)
    {
        var gradient = _scale.Backward(outputGradient);
        return _bn.Backward(gradient, computeInputGradient);
    }

    public override string ToString() => $"ScaledBatchNorm({_bn.NumFeatures})";
}
