namespace BatchNormSharp;

/// <summary>
/// The <see cref="ArgumentException"/> a <see cref="BatchNorm"/> throws in training mode for a batch whose mean or
/// variance is NaN or infinite for some feature, before it changes anything. Internal so that users catch
/// <see cref="ArgumentException"/>; the <see cref="Trainer"/> recognises it to stop training instead of throwing.
/// </summary>
internal sealed class NonFiniteBatchException : ArgumentException
{
    public NonFiniteBatchException(string reason, string parameterName)
        : base(reason, parameterName)
    {
        Reason = reason;
    }

    /// <summary>The layer that refused the batch, so that the trainer can say where in the model it happened.</summary>
    public Layer? Layer { get; init; }

    /// <summary>The message without the parameter name that <see cref="ArgumentException.Message"/> appends.</summary>
    public string Reason { get; }
}
