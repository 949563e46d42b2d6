namespace BatchNormSharp;

/// <summary>
/// Metrics of a classifier with class-index labels: accuracy (from predicted classes or from arg-max scores) and the
/// confusion matrix, from which <see cref="ConfusionMatrix.Report"/> gives precision, recall and F1. Pure functions.
/// </summary>
/// <remarks>For a binary classifier with one output see <see cref="BinaryMetrics"/>.</remarks>
public static class ClassificationMetrics
{
    /// <summary>The fraction of examples whose predicted class is the true one.</summary>
    /// <param name="predicted">The predicted class of each example.</param>
    /// <param name="actual">The true class of each example.</param>
    /// <returns>A value in [0, 1].</returns>
    /// <exception cref="ArgumentException">The spans are empty or of different lengths.</exception>
    public static double Accuracy(ReadOnlySpan<int> predicted, ReadOnlySpan<int> actual)
    {
        MetricChecks.NotEmpty(actual.Length, nameof(actual));
        MetricChecks.SameLength(actual.Length, predicted.Length, "prediction", nameof(predicted));
        int correct = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            correct += predicted[i] == actual[i] ? 1 : 0;
        }
        return (double)correct / actual.Length;
    }

    /// <summary>
    /// The fraction of rows of <paramref name="scores"/> (logits or probabilities, row-major <c>[examples, classes]</c>)
    /// whose largest entry is the true class; on a tie the first largest counts, as PyTorch's <c>argmax</c>.
    /// </summary>
    /// <param name="scores">The scores, <c>examples × classes</c> values, row by row.</param>
    /// <param name="classes">The number of classes (columns), 1 or more.</param>
    /// <param name="actual">The true class of each row.</param>
    /// <returns>A value in [0, 1].</returns>
    /// <exception cref="ArgumentException">The sizes disagree, there are no examples, or a label is out of range.</exception>
    public static double AccuracyFromScores(ReadOnlySpan<double> scores, int classes, ReadOnlySpan<int> actual)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        MetricChecks.NotEmpty(actual.Length, nameof(actual));
        MetricChecks.SameLength(actual.Length * classes, scores.Length, "row of " + MetricChecks.Text(classes) +
            " scores (values)", nameof(scores));
        MetricChecks.ClassIndices(actual, classes, nameof(actual));
        int correct = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            correct += Tensor.ArgMax(scores.Slice(i * classes, classes)) == actual[i] ? 1 : 0;
        }
        return (double)correct / actual.Length;
    }

    /// <summary>Counts each (true class, predicted class) pair: sklearn's <c>confusion_matrix</c>.</summary>
    /// <param name="actual">The true class of each example, in <c>[0, classes)</c>.</param>
    /// <param name="predicted">The predicted class of each example, in <c>[0, classes)</c>.</param>
    /// <param name="classes">The number of classes, 1 or more (classes absent from both spans still get a row).</param>
    /// <returns>The matrix: rows are true classes, columns predicted classes.</returns>
    /// <exception cref="ArgumentException">The sizes disagree, there are no examples, or a class is out of range.</exception>
    public static ConfusionMatrix ConfusionMatrix(ReadOnlySpan<int> actual, ReadOnlySpan<int> predicted, int classes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        MetricChecks.NotEmpty(actual.Length, nameof(actual));
        MetricChecks.SameLength(actual.Length, predicted.Length, "prediction", nameof(predicted));
        MetricChecks.ClassIndices(actual, classes, nameof(actual));
        MetricChecks.ClassIndices(predicted, classes, nameof(predicted));
        var counts = new int[classes, classes];
        for (int i = 0; i < actual.Length; i++)
        {
            counts[actual[i], predicted[i]]++;
        }
        return new ConfusionMatrix(counts);
    }
}
