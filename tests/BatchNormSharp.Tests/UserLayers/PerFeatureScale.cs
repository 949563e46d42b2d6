using BatchNormSharp;

namespace SomeUser.Layers;

/// <summary>
/// A layer written as a user of the package would write it, outside the library's namespace and with only its public
/// API: a learnable scale per feature, <c>y = x · s</c>.
/// </summary>
public sealed class PerFeatureScale : Layer
{
    private readonly Parameter _scale;

    public PerFeatureScale(int features)
    {
        Features = features;
        _scale = RegisterParameter("scale", Tensor.Full(1.0, features));
    }

    public int Features { get; }

    public Parameter Scale => _scale;

    public override int? InputFeatures => Features;

    public override int[] OutputShape(ReadOnlySpan<int> inputShape, ForwardMode mode)
    {
        if (inputShape.Length != 2 || inputShape[1] != Features || inputShape[0] == 0)
        {
            throw new ArgumentException(
                $"PerFeatureScale expects input of shape [batch, {Features}], but got [{string.Join(", ", inputShape.ToArray())}].",
                nameof(inputShape));
        }
        return inputShape.ToArray();
    }

    protected override void InferCore(ReadOnlySpan<double> input, ReadOnlySpan<int> inputShape, Span<double> output)
    {
        ReadOnlySpan<double> scale = _scale.Value.AsReadOnlySpan();
        for (int i = 0; i < input.Length; i++)
        {
            output[i] = input[i] * scale[i % Features];
        }
    }

    protected override Tensor? BackwardCore(Tensor outputGradient, bool computeInputGradient)
    {
        ReadOnlySpan<double> x = Input.AsReadOnlySpan(), dy = outputGradient.AsReadOnlySpan();
        Span<double> dScale = _scale.Gradient.AsSpan();
        for (int i = 0; i < x.Length; i++)
        {
            dScale[i % Features] += dy[i] * x[i];
        }
        if (!computeInputGradient)
        {
            return null;
        }
        var dx = ReuseInputGradient();
        ReadOnlySpan<double> scale = _scale.Value.AsReadOnlySpan();
        Span<double> gradient = dx.AsSpan();
        for (int i = 0; i < x.Length; i++)
        {
            gradient[i] = dy[i] * scale[i % Features];
        }
        return dx;
    }

    public override string ToString() => $"PerFeatureScale({Features})";
}
