namespace BatchNormSharp.Plots;

/// <summary>Turns a batch of rows into one column of values per feature, the shape
/// <see cref="DistributionPlots.FeatureStatistics(string, IReadOnlyList{IReadOnlyList{double}}, IReadOnlyList{IReadOnlyList{double}}, PlotOptions?)"/> takes.</summary>
public static class FeatureColumns
{
    /// <summary>Copies the columns of <paramref name="batch"/>: element <c>[j][i]</c> is row <c>i</c>'s feature
    /// <c>j</c>.</summary>
    /// <param name="batch">A tensor of shape <c>[rows, features]</c>. Not modified.</param>
    /// <returns>One array per feature, each of length <c>rows</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="batch"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="batch"/> is not a non-empty rank-2 tensor.</exception>
    public static double[][] Of(Tensor batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Rank != 2 || batch.Length == 0)
        {
            throw new ArgumentException(
                $"Expected a non-empty batch of shape [rows, features], but got {batch}. Pass a layer's input or output.",
                nameof(batch));
        }
        int rows = batch.Shape[0], features = batch.Shape[1];
        ReadOnlySpan<double> values = batch.AsReadOnlySpan();
        var columns = new double[features][];
        for (int j = 0; j < features; j++)
        {
            var column = new double[rows];
            for (int i = 0; i < rows; i++)
            {
                column[i] = values[(i * features) + j];
            }
            columns[j] = column;
        }
        return columns;
    }
}
