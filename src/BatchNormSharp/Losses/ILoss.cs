namespace BatchNormSharp;

/// <summary>
/// What every loss offers, PyTorch's loss modules (<c>nn.CrossEntropyLoss</c>, <c>nn.BCEWithLogitsLoss</c>,
/// <c>nn.MSELoss</c>) with <c>reduction="mean"</c>: a forward pass from predictions and targets to one number, and a
/// backward pass to dL/d(predictions).
/// </summary>
/// <remarks>
/// Like a layer, a loss keeps what its backward pass needs and reuses its storage between calls of the same shape, so
/// that a training step allocates nothing. A training step is
/// <c>loss.Forward(model.Forward(x, ForwardMode.Training), y); model.Backward(loss.Backward());</c>.
/// </remarks>
public interface ILoss
{
    /// <summary>The mean loss of the batch; keeps what <see cref="Backward"/> needs. A refused call changes nothing.</summary>
    /// <param name="predictions">The model's output (logits for the cross-entropies, values for regression).</param>
    /// <param name="targets">The targets, in the form the loss documents (class indices, 0/1 labels, values).</param>
    /// <returns>The loss, averaged as PyTorch's <c>reduction="mean"</c>.</returns>
    /// <exception cref="ArgumentException">The predictions or targets have the wrong shape, or a target is out of
    /// range or NaN; the message says what was expected.</exception>
    double Forward(Tensor predictions, Tensor targets);

    /// <summary>dL/d(predictions) of the last <see cref="Forward"/>, in storage the loss owns (valid until the next
    /// backward call).</summary>
    /// <returns>The gradient, of the predictions' shape.</returns>
    /// <exception cref="InvalidOperationException">No forward pass to go back through.</exception>
    Tensor Backward();

    /// <summary>What the loss trains a model to do, which decides how <c>Fit</c>, <c>Evaluate</c> and <c>Predict</c>
    /// read the model's outputs.</summary>
    LossTask Task { get; }
}
