using System.Globalization;
using System.Text;

namespace BatchNormSharp;

/// <summary>
/// Counts of (true class, predicted class) pairs, from <see cref="ClassificationMetrics.ConfusionMatrix"/>: row = true
/// class, column = predicted class, as sklearn's <c>confusion_matrix</c>.
/// </summary>
public sealed class ConfusionMatrix : IEquatable<ConfusionMatrix>
{
    private readonly int[,] _counts;

    internal ConfusionMatrix(int[,] counts) => _counts = counts;

    /// <summary>The number of classes (rows and columns).</summary>
    public int Classes => _counts.GetLength(0);

    /// <summary>The number of examples.</summary>
    public int Total
    {
        get
        {
            int total = 0;
            foreach (int count in _counts)
            {
                total += count;
            }
            return total;
        }
    }

    /// <summary>The number of examples of true class <paramref name="actual"/> predicted as <paramref name="predicted"/>.</summary>
    /// <param name="actual">The true class (row).</param>
    /// <param name="predicted">The predicted class (column).</param>
    public int this[int actual, int predicted] => _counts[actual, predicted];

    /// <summary>
    /// Precision, recall and F1 per class and macro-averaged, with the support and the accuracy: sklearn's
    /// <c>precision_recall_fscore_support</c> and <c>classification_report</c>. A ratio whose denominator is 0 (a class
    /// never predicted, or absent) is 0, sklearn's <c>zero_division</c> default; macro averages are plain means over all
    /// classes, macro F1 being the mean of the per-class F1 values.
    /// </summary>
    /// <returns>The report.</returns>
    public ClassificationReport Report()
    {
        int classes = Classes;
        var precision = new double[classes];
        var recall = new double[classes];
        var f1 = new double[classes];
        var support = new int[classes];
        int correct = 0;
        for (int c = 0; c < classes; c++)
        {
            int truePositives = _counts[c, c], predictedPositives = 0, actualPositives = 0;
            for (int k = 0; k < classes; k++)
            {
                predictedPositives += _counts[k, c];
                actualPositives += _counts[c, k];
            }
            precision[c] = Ratio(truePositives, predictedPositives);
            recall[c] = Ratio(truePositives, actualPositives);
            f1[c] = precision[c] + recall[c] == 0 ? 0.0 : 2 * precision[c] * recall[c] / (precision[c] + recall[c]);
            support[c] = actualPositives;
            correct += truePositives;
        }
        return new ClassificationReport(precision, recall, f1, support, precision.Average(), recall.Average(),
            f1.Average(), (double)correct / Total);
    }

    /// <summary>The matrix as text, one row per true class.</summary>
    /// <returns>Rows of right-aligned counts.</returns>
    public override string ToString()
    {
        int width = Math.Max(3, Total.ToString(CultureInfo.InvariantCulture).Length);
        var text = new StringBuilder();
        for (int i = 0; i < Classes; i++)
        {
            for (int j = 0; j < Classes; j++)
            {
                text.Append(_counts[i, j].ToString(CultureInfo.InvariantCulture).PadLeft(width + 1));
            }
            text.AppendLine();
        }
        return text.ToString();
    }

    private static double Ratio(int numerator, int denominator) =>
        denominator == 0 ? 0.0 : (double)numerator / denominator;

    /// <summary>Whether <paramref name="other"/> holds the same counts (value equality, so that two evaluations compare
    /// equal when they scored the same).</summary>
    /// <param name="other">Another matrix.</param>
    /// <returns><see langword="true"/> for equal class counts and cells.</returns>
    public bool Equals(ConfusionMatrix? other) =>
        other is not null && other.Classes == Classes && _counts.Cast<int>().SequenceEqual(other._counts.Cast<int>());

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ConfusionMatrix);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (int count in _counts)
        {
            hash.Add(count);
        }
        return hash.ToHashCode();
    }
}
