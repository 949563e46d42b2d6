namespace BatchNormSharp;

/// <summary>
/// Metrics of a binary classifier with one output: accuracy at a threshold and the area under the ROC curve. Targets
/// are 0/1 doubles, as <see cref="BinaryCrossEntropyWithLogits"/> takes them. Pure functions.
/// </summary>
public static class BinaryMetrics
{
    /// <summary>
    /// The fraction of examples classified correctly when a probability above <paramref name="threshold"/> means
    /// class 1 (Keras's <c>binary_accuracy</c>: <c>p &gt; threshold</c>).
    /// </summary>
    /// <param name="probabilities">The predicted probability of class 1 per example (apply the sigmoid to logits
    /// first, or pass logits with a threshold of 0).</param>
    /// <param name="targets">The true class of each example, 0 or 1.</param>
    /// <param name="threshold">The decision threshold, 0.5 by default.</param>
    /// <returns>A value in [0, 1].</returns>
    /// <exception cref="ArgumentException">The spans are empty or of different lengths, or a target is not 0 or 1.</exception>
    public static double Accuracy(ReadOnlySpan<double> probabilities, ReadOnlySpan<double> targets,
        double threshold = 0.5)
    {
        MetricChecks.NotEmpty(targets.Length, nameof(targets));
        MetricChecks.SameLength(targets.Length, probabilities.Length, "probability", nameof(probabilities));
        MetricChecks.ZeroOne(targets, nameof(targets));
        int correct = 0;
        for (int i = 0; i < targets.Length; i++)
        {
            correct += (probabilities[i] > threshold ? 1.0 : 0.0) == targets[i] ? 1 : 0;
        }
        return (double)correct / targets.Length;
    }

    /// <summary>
    /// The area under the ROC curve: the probability that a random positive example scores above a random negative
    /// one, ties counting one half — sklearn's <c>roc_auc_score</c> (trapezoids between the distinct thresholds), computed
    /// from average ranks (Mann–Whitney U).
    /// </summary>
    /// <param name="scores">Any score that grows with the probability of class 1 (logits, probabilities).</param>
    /// <param name="targets">The true class of each example, 0 or 1; both classes must occur.</param>
    /// <returns>A value in [0, 1]; 0.5 for scores that carry no information.</returns>
    /// <exception cref="ArgumentException">The spans are empty or of different lengths, a target is not 0 or 1, a score
    /// is NaN or infinite, or only one class occurs (the AUC is then undefined, as sklearn says).</exception>
    public static double RocAuc(ReadOnlySpan<double> scores, ReadOnlySpan<double> targets)
    {
        MetricChecks.NotEmpty(targets.Length, nameof(targets));
        MetricChecks.SameLength(targets.Length, scores.Length, "score", nameof(scores));
        MetricChecks.ZeroOne(targets, nameof(targets));
        MetricChecks.Finite(scores, "scores", nameof(scores));
        int n = targets.Length, positives = 0;
        foreach (double t in targets)
        {
            positives += t == 1.0 ? 1 : 0;
        }
        int negatives = n - positives;
        if (positives == 0 || negatives == 0)
        {
            throw new ArgumentException(
                $"The ROC AUC needs examples of both classes, but all {MetricChecks.Text(n)} targets are " +
                $"{(positives == 0 ? "0" : "1")}. Evaluate on a set that holds both classes (a stratified split).",
                nameof(targets));
        }

        var order = new int[n];
        var sorted = scores.ToArray();
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }
        Array.Sort(sorted, order);
        // Sum of the positives' ranks (1-based), each tied group sharing its average rank.
        double positiveRankSum = 0.0;
        for (int start = 0; start < n;)
        {
            int end = start;
            while (end + 1 < n && sorted[end + 1] == sorted[start])
            {
                end++;
            }
            double averageRank = ((start + 1) + (end + 1)) / 2.0;
            for (int k = start; k <= end; k++)
            {
                positiveRankSum += targets[order[k]] == 1.0 ? averageRank : 0.0;
            }
            start = end + 1;
        }
        double u = positiveRankSum - (positives * (positives + 1.0) / 2.0);
        return u / ((double)positives * negatives);
    }
}
