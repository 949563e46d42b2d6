namespace BatchNormSharp;

/// <summary>
/// Records what a layer received and produced in each forward pass, as copies, so that you can look inside a trained
/// model on real data: the histograms of a BatchNorm's input and output, the activations after a non-linearity.
/// Dispose it to stop recording.
/// </summary>
/// <example>
/// <code>
/// using var recorder = new ActivationRecorder(model.Layers[1]);
/// model.Forward(testInputs, ForwardMode.Inference);
/// Tensor beforeNorm = recorder.Inputs[^1], afterNorm = recorder.Outputs[^1];
/// </code>
/// </example>
/// <remarks>Recording copies every input and output while attached; a layer without a recorder pays nothing. Only
/// <see cref="Layer.Forward(Tensor, ForwardMode)"/> is recorded, not the thread-safe <see cref="Layer.Infer"/> path
/// that Predict uses.</remarks>
public sealed class ActivationRecorder : IDisposable
{
    private readonly List<Tensor> _inputs = [];
    private readonly List<Tensor> _outputs = [];
    private readonly List<ForwardMode> _modes = [];
    private readonly IDisposable _registration;

    /// <summary>Starts recording <paramref name="layer"/>'s forward passes.</summary>
    /// <param name="layer">Any layer of a model, at any depth.</param>
    public ActivationRecorder(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        Layer = layer;
        _registration = layer.RegisterForwardHook(Record);
    }

    /// <summary>The layer being recorded.</summary>
    public Layer Layer { get; }

    /// <summary>A copy of the input of each recorded forward pass, oldest first.</summary>
    public IReadOnlyList<Tensor> Inputs => _inputs;

    /// <summary>A copy of the output of each recorded forward pass, oldest first.</summary>
    public IReadOnlyList<Tensor> Outputs => _outputs;

    /// <summary>The mode of each recorded forward pass.</summary>
    public IReadOnlyList<ForwardMode> Modes => _modes;

    /// <summary>Forgets what was recorded and keeps recording.</summary>
    public void Clear()
    {
        _inputs.Clear();
        _outputs.Clear();
        _modes.Clear();
    }

    /// <summary>Stops recording; what was recorded stays readable.</summary>
    public void Dispose() => _registration.Dispose();

    private void Record(Layer layer, Tensor input, Tensor output, ForwardMode mode)
    {
        _inputs.Add(input.Clone());
        _outputs.Add(output.Clone());
        _modes.Add(mode);
    }
}
