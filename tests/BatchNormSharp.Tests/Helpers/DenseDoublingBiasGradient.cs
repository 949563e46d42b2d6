namespace BatchNormSharp.Tests;

/// <summary>
/// A test double around a real <see cref="Dense"/> (its child <c>inner</c>) whose backward pass adds the bias gradient
/// twice: dx and dW are right, only one parameter's gradient is wrong. The gradient checker must name that parameter.
/// </summary>
internal sealed class DenseDoublingBiasGradient : Layer
{
    private readonly Dense _inner;

    public DenseDoublingBiasGradient(Dense inner) => _inner = RegisterChild("inner", inner);

    public override int[] OutputShape(ReadOnlySpan<int> inputShape, ForwardMode mode) =>
        _inner.OutputShape(inputShape, mode);

    protected override Tensor ForwardCore(Tensor input, ForwardMode mode) => _inner.Forward(input, mode);

    protected override void InferCore(ReadOnlySpan<double> input, ReadOnlySpan<int> inputShape, Span<double> output) =>
        _inner.Infer(input, inputShape, output);

    protected override Tensor? BackwardCore(Tensor outputGradient, bool computeInputGradient)
    {
        var before = _inner.Bias.Gradient.Clone();
        var inputGradient = _inner.Backward(outputGradient, computeInputGradient);
        Span<double> bias = _inner.Bias.Gradient.AsSpan();
        for (int j = 0; j < bias.Length; j++)
        {
            bias[j] += bias[j] - before[j]; // the mistake: the increment lands twice
        }
        return inputGradient;
    }
}
