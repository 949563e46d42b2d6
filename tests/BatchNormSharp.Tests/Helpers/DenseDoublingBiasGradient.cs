namespace BatchNormSharp.Tests;

/// <summary>
/// A test double around a real <see cref="Dense"/> whose backward pass adds the bias gradient twice: dx and dW are
/// right, only one parameter's gradient is wrong. The gradient checker must name that parameter.
/// </summary>
internal sealed class DenseDoublingBiasGradient(Dense inner) : ILayer
{
    public ForwardMode Mode
    {
        get => inner.Mode;
        set => inner.Mode = value;
    }

    public IReadOnlyList<Parameter> Parameters => inner.Parameters;

    public IReadOnlyList<StateBuffer> Buffers => inner.Buffers;

    public Tensor Forward(Tensor input, ForwardMode mode) => inner.Forward(input, mode);

    public Tensor Backward(Tensor outputGradient)
    {
        var before = inner.Bias.Gradient.Clone();
        var inputGradient = inner.Backward(outputGradient);
        Span<double> bias = inner.Bias.Gradient.AsSpan();
        for (int j = 0; j < bias.Length; j++)
        {
            bias[j] += bias[j] - before[j]; // the mistake: the increment lands twice
        }
        return inputGradient;
    }
}
