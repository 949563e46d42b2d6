namespace BatchNormSharp.Tests.Helpers;

/// <summary>
/// A user's own layer that accepts any width (so the container's shape checks let it through) and refuses every
/// batch with more than <paramref name="maxRows"/> rows: a child that fails after the layers in front of it have run.
/// </summary>
internal sealed class RefusingLayer(int maxRows) : ILayer
{
    public ForwardMode Mode { get; set; }

    public IReadOnlyList<Parameter> Parameters { get; } = [];

    public IReadOnlyList<StateBuffer> Buffers { get; } = [];

    public Tensor Forward(Tensor input, ForwardMode mode)
    {
        if (input.Shape[0] > maxRows)
        {
            throw new ArgumentException(
                $"RefusingLayer expects at most {maxRows} rows, but got {input.Shape[0]}.", nameof(input));
        }
        Mode = mode;
        return input;
    }

    public Tensor Backward(Tensor outputGradient) => outputGradient;
}
