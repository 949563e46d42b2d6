namespace BatchNormSharp;

/// <summary>
/// Whether a forward pass trains the network or runs it for prediction: PyTorch's <c>model.train()</c> and
/// <c>model.eval()</c>. It is passed to every <see cref="Layer.Forward(Tensor, ForwardMode)"/> call, and each layer keeps the mode it last
/// ran in as <see cref="Layer.Mode"/>.
/// </summary>
public enum ForwardMode
{
    /// <summary>
    /// Training: <see cref="BatchNorm"/> normalises with the statistics of the batch and updates its running
    /// statistics.
    /// </summary>
    Training,

    /// <summary>
    /// Inference (PyTorch's eval mode): <see cref="BatchNorm"/> normalises with its running statistics and changes
    /// nothing. Backward still works, through the frozen statistics.
    /// </summary>
    Inference,
}
