using BatchNormSharp.Kernels;

namespace BatchNormSharp;

/// <summary>The rectified linear unit, <c>y = max(0, x)</c>, element-wise: PyTorch's <c>nn.ReLU</c>.</summary>
/// <remarks>At the kink (x = 0) the gradient is taken as 0, as in PyTorch. The layer has no parameters. NaN passes
/// through unchanged, as in PyTorch; inputs are not scanned.</remarks>
public sealed class ReLU : ILayer, IModeStateOwner, IInferenceLayer
{
    private Tensor? _output;
    private Tensor? _inputGradient;
    private readonly ModeState _modeState = new();

    /// <inheritdoc/>
    public ForwardMode Mode
    {
        get => _modeState.Mode;
        set => _modeState.Mode = value;
    }

    ModeState IModeStateOwner.ModeState => _modeState;

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters { get; } = [];

    /// <inheritdoc/>
    public IReadOnlyList<StateBuffer> Buffers { get; } = [];

    /// <summary>Computes <c>max(0, x)</c>. The mode makes no difference to this layer.</summary>
    /// <param name="input">The batch, shape <c>[batch, features]</c>.</param>
    /// <param name="mode">Training or inference.</param>
    /// <returns>The output, the input's shape; valid until the next forward call.</returns>
    /// <exception cref="ArgumentException">The input is not a non-empty rank-2 batch.</exception>
    public Tensor Forward(Tensor input, ForwardMode mode)
    {
        Guard.Batch(input, nameof(ReLU), nameof(input));
        ModeState.Validate(mode, nameof(mode));
        var output = Tensor.Reuse(_output, input.Shape[0], input.Shape[1]);
        Elementwise.Relu(input.AsReadOnlySpan(), output.AsSpan());
        _output = output;
        _modeState.ForwardCompleted(mode);
        return output;
    }

    /// <summary><c>max(0, x)</c> into the caller's span; safe from several threads.</summary>
    void IInferenceLayer.Infer(ReadOnlySpan<double> input, int rows, int inputFeatures, Span<double> output) =>
        Elementwise.Relu(input[..(rows * inputFeatures)], output[..(rows * inputFeatures)]);

    /// <summary>Passes the gradient where the output was positive and blocks it elsewhere.</summary>
    /// <param name="outputGradient">dL/dy, the shape of the last output.</param>
    /// <returns>dL/dx; valid until the next backward call.</returns>
    /// <exception cref="InvalidOperationException">No forward pass to go back through.</exception>
    /// <exception cref="ArgumentException">The gradient's shape differs from the last output's.</exception>
    public Tensor Backward(Tensor outputGradient)
    {
        _modeState.RequireBackwardAllowed(nameof(ReLU));
        Guard.SameShape(outputGradient, _output!, nameof(ReLU), nameof(outputGradient));
        var inputGradient = Tensor.Reuse(_inputGradient, _output!.Shape[0], _output.Shape[1]);
        Elementwise.ReluBackward(_output.AsReadOnlySpan(), outputGradient.AsReadOnlySpan(), inputGradient.AsSpan());
        _inputGradient = inputGradient;
        _modeState.BackwardCompleted();
        return inputGradient;
    }

    /// <inheritdoc/>
    public override string ToString() => "ReLU()";
}
