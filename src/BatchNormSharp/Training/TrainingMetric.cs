namespace BatchNormSharp;

/// <summary>A per-epoch value that early stopping or a plateau schedule can monitor.</summary>
public enum TrainingMetric
{
    /// <summary>The loss on the validation data (lower is better).</summary>
    ValidationLoss,

    /// <summary>The accuracy on the validation data (higher is better; classification).</summary>
    ValidationAccuracy,

    /// <summary>The mean training loss over the epoch's batches (lower is better).</summary>
    TrainingLoss,

    /// <summary>The training accuracy over the epoch's batches (higher is better; classification).</summary>
    TrainingAccuracy,

    /// <summary>The mean absolute error on the validation data (lower is better; regression).</summary>
    ValidationMeanAbsoluteError,

    /// <summary>The mean absolute error over the epoch's batches (lower is better; regression).</summary>
    TrainingMeanAbsoluteError,
}

/// <summary>What each <see cref="TrainingMetric"/> needs and which way is better.</summary>
internal static class TrainingMetricFacts
{
    /// <summary>Whether lower values are better (losses and errors).</summary>
    public static bool LowerIsBetter(this TrainingMetric metric) =>
        metric is not (TrainingMetric.TrainingAccuracy or TrainingMetric.ValidationAccuracy);

    /// <summary>Whether the metric needs validation data.</summary>
    public static bool IsValidation(this TrainingMetric metric) =>
        metric is TrainingMetric.ValidationLoss or TrainingMetric.ValidationAccuracy
            or TrainingMetric.ValidationMeanAbsoluteError;

    /// <summary>Whether a loss of <paramref name="task"/> reports the metric.</summary>
    public static bool AppliesTo(this TrainingMetric metric, LossTask task) => metric switch
    {
        TrainingMetric.TrainingAccuracy or TrainingMetric.ValidationAccuracy => task != LossTask.Regression,
        TrainingMetric.TrainingMeanAbsoluteError or TrainingMetric.ValidationMeanAbsoluteError => task == LossTask.Regression,
        _ => true,
    };
}
