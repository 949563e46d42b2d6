namespace BatchNormSharp.Tests.Helpers;

/// <summary>
/// A user's own layer that accepts any width (so the container's shape checks let it through) and refuses every
/// batch with more than <paramref name="maxRows"/> rows while running: a child that fails after the layers in front
/// of it have run.
/// </summary>
internal sealed class RefusingLayer(int maxRows) : Layer
{
    public override int[] OutputShape(ReadOnlySpan<int> inputShape, ForwardMode mode) => inputShape.ToArray();

    protected override Tensor ForwardCore(Tensor input, ForwardMode mode)
    {
        if (input.Shape[0] > maxRows)
        {
            throw new ArgumentException(
                $"RefusingLayer expects at most {maxRows} rows, but got {input.Shape[0]}.", nameof(input));
        }
        return base.ForwardCore(input, mode);
    }

    protected override void InferCore(ReadOnlySpan<double> input, ReadOnlySpan<int> inputShape, Span<double> output) =>
        input.CopyTo(output);

    protected override Tensor? BackwardCore(Tensor outputGradient, bool computeInputGradient) =>
        computeInputGradient ? outputGradient.Clone() : null;
}
