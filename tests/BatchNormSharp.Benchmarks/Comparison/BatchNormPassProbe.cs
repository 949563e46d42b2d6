using BatchNormSharp.Benchmarks.Workloads;
using BatchNormSharp.Kernels;

namespace BatchNormSharp.Benchmarks.Comparison;

/// <summary>
/// `--bn-passes`: times each pass of BatchNorm's <c>[N, C]</c> path on one thread (column sums, squared deviations,
/// the statistics as BatchNorm takes them, normalisation, gradient sums, input gradient, the last two passes also
/// with streamed stores) next to a plain copy, and prints the bytes each pass moves per second, to see which pass
/// falls short of what the memory system gives a simple loop (how the tile height was chosen, see
/// <see cref="BatchNormTiles.RowsPerTile"/>; the chunks, <see cref="ColumnMoments"/>).
/// </summary>
internal static class BatchNormPassProbe
{
    public static void Run(TextWriter output)
    {
        foreach (var (rows, columns) in new[] { (1024, 1024), (2048, 1024), (4096, 1024), (8192, 1024) })
        {
            double[] x = RandomData.Batch(rows, columns, 7, scale: 5.0, offset: 12.0).AsSpan().ToArray();
            double[] dy = RandomData.Batch(rows, columns, 8).AsSpan().ToArray();
            double[] y = GC.AllocateArray<double>(x.Length, pinned: true); // streamed stores need a fixed address
            var mean = new double[columns];
            var invStd = new double[columns];
            var sumSq = new double[columns];
            double[] gamma = Enumerable.Repeat(1.5, columns).ToArray();
            var beta = new double[columns];
            var sumDy = new double[columns];
            var sumDyXhat = new double[columns];
            BatchNormTiles.ColumnSums(x, rows, columns, 0, columns, mean);
            for (int c = 0; c < columns; c++)
            {
                mean[c] /= rows;
            }
            BatchNormTiles.ColumnSquaredDeviations(x, rows, columns, 0, columns, mean, sumSq);
            for (int c = 0; c < columns; c++)
            {
                invStd[c] = 1.0 / Math.Sqrt((sumSq[c] / rows) + 1e-5);
            }

            double megabytes = (double)rows * columns * sizeof(double) / 1e6;
            void Report(string pass, int arrays, Action run)
            {
                double ms = MedianTimer.MedianMilliseconds(run);
                output.WriteLine($"{rows}x{columns} {pass,-20} {ms * 1e3,9:F0} µs  {arrays * megabytes / ms,6:F1} GB/s");
            }

            Report("copy (reference)", 2, () => x.AsSpan().CopyTo(y));
            Report("column sums", 1, () => BatchNormTiles.ColumnSums(x, rows, columns, 0, columns, sumDy));
            Report("squared deviations", 1,
                () => BatchNormTiles.ColumnSquaredDeviations(x, rows, columns, 0, columns, mean, sumSq));
            // BatchNorm's statistics: two passes over a batch that stays cached (reads x twice), chunks over a larger
            // one (reads it from memory once).
            bool chunked = ColumnMoments.ChunkRows(rows, columns) < rows;
            Report(chunked ? "statistics (chunks)" : "statistics (2 passes)", chunked ? 1 : 2,
                () => ColumnMoments.MeanAndSquaredDeviations(x, rows, columns, 0, columns, sumDy, sumSq));
            Report("normalize", 2,
                () => BatchNormTiles.Normalize(x, rows, columns, 0, columns, mean, invStd, gamma, beta, y));
            Report("normalize, streamed", 2,
                () => BatchNormTiles.Normalize(x, rows, columns, 0, columns, mean, invStd, gamma, beta, y, true));
            Report("gradient sums", 2, () => BatchNormTiles.GradientSums(dy, x, rows, columns, 0, columns, mean,
                invStd, sumDy, sumDyXhat));
            // The sums stand in for the means the input gradient takes: the same work, other values.
            Report("input gradient", 3, () => BatchNormTiles.TrainingInputGradient(dy, x, rows, columns, 0, columns,
                mean, invStd, gamma, sumDy, sumDyXhat, y));
            Report("input grad, streamed", 3, () => BatchNormTiles.TrainingInputGradient(dy, x, rows, columns, 0,
                columns, mean, invStd, gamma, sumDy, sumDyXhat, y, true));
        }
    }
}
