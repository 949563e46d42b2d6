using BatchNormSharp.Kernels;

namespace BatchNormSharp;

/// <summary>The rectified linear unit, <c>y = max(0, x)</c>, element-wise: PyTorch's <c>nn.ReLU</c>.</summary>
/// <remarks>At the kink (x = 0) the gradient is taken as 0, as in PyTorch. The layer has no parameters. NaN passes
/// through unchanged, as in PyTorch; inputs are not scanned.</remarks>
public sealed class ReLU : Layer
{
    /// <summary>The input's shape: the layer is element-wise.</summary>
    /// <param name="inputShape">Any non-empty shape of rank 2 or more, batch first.</param>
    /// <param name="mode">Either mode: the layer computes the same in both.</param>
    /// <returns>A copy of <paramref name="inputShape"/>.</returns>
    /// <exception cref="ArgumentException">The input is empty or of rank less than 2.</exception>
    public override int[] OutputShape(ReadOnlySpan<int> inputShape, ForwardMode mode)
    {
        Shapes.RequireRowsOf(inputShape, null, this);
        return inputShape.ToArray();
    }

    /// <summary><c>max(0, x)</c> into the caller's span; safe from several threads.</summary>
    /// <param name="input">The input.</param>
    /// <param name="inputShape">Its shape.</param>
    /// <param name="output">The destination.</param>
    protected override void InferCore(ReadOnlySpan<double> input, ReadOnlySpan<int> inputShape, Span<double> output) =>
        Elementwise.Relu(input, output);

    /// <summary>Passes the gradient where the output was positive and blocks it elsewhere.</summary>
    /// <param name="outputGradient">dL/dy, the shape of the last output.</param>
    /// <param name="computeInputGradient">Whether dL/dx is needed (this layer has nothing else to compute).</param>
    /// <returns>dL/dx, or <see langword="null"/>.</returns>
    protected override Tensor? BackwardCore(Tensor outputGradient, bool computeInputGradient)
    {
        if (!computeInputGradient)
        {
            return null;
        }
        var inputGradient = ReuseInputGradient();
        Elementwise.ReluBackward(Output.AsReadOnlySpan(), outputGradient.AsReadOnlySpan(), inputGradient.AsSpan());
        return inputGradient;
    }

    /// <summary>Type <c>ReLU</c>, without hyper-parameters, for a whole-model file.</summary>
    /// <returns>The description.</returns>
    public override LayerConfig GetConfig() => new("ReLU");

    /// <inheritdoc/>
    public override string ToString() => "ReLU()";
}
