namespace BatchNormSharp;

/// <summary>The results of one training epoch.</summary>
/// <param name="Epoch">The epoch number, from 1.</param>
/// <param name="TrainingLoss">The mean loss over the epoch's training rows, measured in training mode as the batches
/// went by (as Keras reports <c>loss</c>).</param>
/// <param name="TrainingAccuracy">The fraction of training rows whose largest output was the label, measured the same
/// way.</param>
/// <param name="ValidationLoss">The mean loss on the validation data in inference mode after the epoch, or
/// <see langword="null"/> without validation data.</param>
/// <param name="ValidationAccuracy">The accuracy on the validation data in inference mode after the epoch, or
/// <see langword="null"/> without validation data.</param>
public sealed record EpochMetrics(
    int Epoch,
    double TrainingLoss,
    double TrainingAccuracy,
    double? ValidationLoss,
    double? ValidationAccuracy)
{
    /// <summary>The value of <paramref name="metric"/> in this epoch.</summary>
    /// <param name="metric">Which number.</param>
    /// <returns>The value, or <see langword="null"/> for a validation metric without validation data.</returns>
    public double? Get(TrainingMetric metric) => metric switch
    {
        TrainingMetric.TrainingLoss => TrainingLoss,
        TrainingMetric.TrainingAccuracy => TrainingAccuracy,
        TrainingMetric.ValidationLoss => ValidationLoss,
        TrainingMetric.ValidationAccuracy => ValidationAccuracy,
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, $"Unknown metric {metric}."),
    };
}
