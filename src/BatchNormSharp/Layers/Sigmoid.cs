namespace BatchNormSharp;

/// <summary>
/// The logistic function, <c>y = 1 / (1 + e^(-x))</c>, element-wise: PyTorch's <c>nn.Sigmoid</c>.
/// </summary>
/// <remarks>Computed without overflow for any x (e^(-|x|) only). The backward pass uses the output: <c>dx = dy · y (1 - y)</c>. For a binary classifier prefer a linear last layer with <see cref="BinaryCrossEntropyWithLogits"/>, which is stabler than a sigmoid followed by a log; <c>Predict</c> applies the sigmoid for you. The layer has no parameters.</remarks>
public sealed class Sigmoid : Layer
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

    /// <summary>The activation into the caller's span; safe from several threads.</summary>
    /// <param name="input">The input.</param>
    /// <param name="inputShape">Its shape.</param>
    /// <param name="output">The destination.</param>
    protected override void InferCore(ReadOnlySpan<double> input, ReadOnlySpan<int> inputShape, Span<double> output) =>
        ActivationFunctions.Sigmoid(input, output);

    /// <summary>dL/dx from the saved output.</summary>
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
        ActivationFunctions.SigmoidBackward(Output.AsReadOnlySpan(), outputGradient.AsReadOnlySpan(), inputGradient.AsSpan());
        return inputGradient;
    }

    /// <summary>Describes the layer for a whole-model file: the type name only (no hyper-parameters).</summary>
    /// <returns><c>Sigmoid</c>.</returns>
    public override LayerConfig GetConfig() => new("Sigmoid");

    /// <inheritdoc/>
    public override string ToString() => "Sigmoid()";
}
