namespace BatchNormSharp;

/// <summary>
/// What <c>Evaluate</c> measured on labelled data in inference mode: the mean loss, and the metrics of the task the loss
/// trains (accuracy and a confusion matrix for classifiers, the ROC AUC for a single binary output, errors for
/// regression).
/// </summary>
/// <param name="Loss">The mean loss over the rows.</param>
/// <param name="Correct">The number of right predictions (0 for regression).</param>
/// <param name="Count">The number of predictions scored: rows for several classes, outputs for binary and regression.</param>
public sealed record EvaluationResult(double Loss, int Correct, int Count)
{
    /// <summary>The task of the loss the data were scored with.</summary>
    public LossTask Task { get; init; } = LossTask.MultiClass;

    /// <summary>The fraction of right predictions (arg-max for several classes, probability above 0.5 for binary).</summary>
    /// <exception cref="InvalidOperationException">The task is regression: read <see cref="MeanAbsoluteError"/>.</exception>
    public double Accuracy => Task == LossTask.Regression
        ? throw new InvalidOperationException(
            "A regression has no accuracy: read MeanAbsoluteError or RootMeanSquaredError.")
        : (double)Correct / Count;

    /// <summary>Counts of (true class, predicted class) for a classifier with one output per row or several classes;
    /// <see langword="null"/> otherwise.</summary>
    public ConfusionMatrix? ConfusionMatrix { get; init; }

    /// <summary>The area under the ROC curve of a single binary output (when both classes occur); otherwise
    /// <see langword="null"/>.</summary>
    public double? RocAuc { get; init; }

    /// <summary>For regression, the mean absolute error; otherwise <see langword="null"/>.</summary>
    public double? MeanAbsoluteError { get; init; }

    /// <summary>For regression, the root of the mean squared error; otherwise <see langword="null"/>.</summary>
    public double? RootMeanSquaredError { get; init; }
}
