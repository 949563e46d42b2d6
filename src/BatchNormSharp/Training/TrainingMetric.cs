namespace BatchNormSharp;

/// <summary>A per-epoch number that early stopping can watch (Keras's <c>monitor</c>).</summary>
/// <remarks>Losses improve by going down, accuracies by going up.</remarks>
public enum TrainingMetric
{
    /// <summary>The mean loss on the validation data (Keras's <c>val_loss</c>); needs validation data.</summary>
    ValidationLoss,

    /// <summary>The accuracy on the validation data (Keras's <c>val_accuracy</c>); needs validation data.</summary>
    ValidationAccuracy,

    /// <summary>The mean training loss over the epoch's batches (Keras's <c>loss</c>).</summary>
    TrainingLoss,

    /// <summary>The training accuracy over the epoch's batches (Keras's <c>accuracy</c>).</summary>
    TrainingAccuracy,
}
