namespace BatchNormSharp;

/// <summary>The results of one training epoch.</summary>
/// <param name="Epoch">The epoch number, from 1.</param>
/// <param name="TrainingLoss">The mean loss over the epoch's training rows, measured in training mode as the batches
/// went by (as Keras reports <c>loss</c>).</param>
/// <param name="TrainingAccuracy">For a classifier, the fraction of training predictions that were right (arg-max for
/// several classes, probability above 0.5 for binary outputs), measured the same way; <see langword="null"/> for
/// regression.</param>
/// <param name="ValidationLoss">The mean loss on the validation data in inference mode after the epoch, or
/// <see langword="null"/> without validation data.</param>
/// <param name="ValidationAccuracy">The accuracy on the validation data in inference mode after the epoch, or
/// <see langword="null"/> without validation data or for regression.</param>
public sealed record EpochMetrics(
    int Epoch,
    double TrainingLoss,
    double? TrainingAccuracy,
    double? ValidationLoss,
    double? ValidationAccuracy)
{
    /// <summary>For regression, the mean absolute error over the epoch's training outputs; otherwise
    /// <see langword="null"/>.</summary>
    public double? TrainingMeanAbsoluteError { get; init; }

    /// <summary>For regression with validation data, the mean absolute error on it; otherwise <see langword="null"/>.</summary>
    public double? ValidationMeanAbsoluteError { get; init; }

    /// <summary>The value of <paramref name="metric"/>, or <see langword="null"/> when this epoch has none.</summary>
    /// <param name="metric">Which value.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The metric is not defined.</exception>
    public double? Get(TrainingMetric metric) => metric switch
    {
        TrainingMetric.TrainingLoss => TrainingLoss,
        TrainingMetric.TrainingAccuracy => TrainingAccuracy,
        TrainingMetric.ValidationLoss => ValidationLoss,
        TrainingMetric.ValidationAccuracy => ValidationAccuracy,
        TrainingMetric.TrainingMeanAbsoluteError => TrainingMeanAbsoluteError,
        TrainingMetric.ValidationMeanAbsoluteError => ValidationMeanAbsoluteError,
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, $"Unknown metric {metric}."),
    };
}
