using BatchNormSharp.Kernels;

namespace BatchNormSharp;

/// <summary>
/// The per-feature statistics of a batch that BatchNorm normalises with, computed into caller-provided spans: shared
/// by the layer's forward pass (into its own scratch) and by its state-free inference path (into local scratch), so
/// that both give the same bits.
/// </summary>
internal static class BatchStatistics
{
    /// <summary>
    /// Two-pass mean and sum of squared deviations of each column on the calling thread: <c>mean[j] = Σ_i x[i, j] /
    /// rows</c> and <c>sumSq[j] = Σ_i (x[i, j] - mean[j])²</c>, the same passes, in the same order, as
    /// <see cref="BatchNormKernels.Statistics"/> runs on each of its column ranges.
    /// </summary>
    public static void Compute(ReadOnlySpan<double> x, int rows, int columns, Span<double> mean,
        Span<double> sumSquaredDeviations)
    {
        BatchNormTiles.ColumnSums(x, rows, columns, 0, columns, mean);
        BatchNormTiles.DivideInPlace(mean[..columns], rows);
        BatchNormTiles.ColumnSquaredDeviations(x, rows, columns, 0, columns, mean, sumSquaredDeviations);
    }

    /// <summary><c>invStd[j] = 1 / √(sumSq[j] / rows + ε)</c>: the biased variance, ε inside the root.</summary>
    public static void InverseStd(ReadOnlySpan<double> sumSquaredDeviations, int rows, double eps,
        Span<double> invStd) =>
        BatchNormTiles.InverseStandardDeviations(sumSquaredDeviations[..invStd.Length], rows, eps, invStd);

    /// <summary><c>invStd[j] = 1 / √(runningVar[j] + ε)</c>.</summary>
    public static void InverseStd(ReadOnlySpan<double> runningVar, double eps, Span<double> invStd)
    {
        for (int j = 0; j < invStd.Length; j++)
        {
            invStd[j] = 1.0 / Math.Sqrt(runningVar[j] + eps);
        }
    }

    /// <summary>
    /// The first feature whose mean or variance is NaN or infinite, or -1 when all are finite. A single NaN or
    /// infinite value in a column makes its mean or its variance non-finite, and so does a column whose squared
    /// deviations overflow, so D checks here cover all N × D inputs.
    /// </summary>
    public static int FirstNonFiniteFeature(ReadOnlySpan<double> mean, ReadOnlySpan<double> sumSquaredDeviations)
    {
        for (int j = 0; j < mean.Length; j++)
        {
            if (!double.IsFinite(mean[j]) || !double.IsFinite(sumSquaredDeviations[j]))
            {
                return j;
            }
        }
        return -1;
    }
}
