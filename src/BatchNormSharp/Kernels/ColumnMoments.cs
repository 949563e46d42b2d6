using System.Buffers;

namespace BatchNormSharp.Kernels;

/// <summary>
/// The mean and the sum of squared deviations of each column of a row-major batch <c>[rows, columns]</c>: BatchNorm's
/// statistics, reading a batch too large for the cache from memory once.
/// </summary>
/// <remarks>
/// <para><b>Two passes.</b> The variance is never <c>E[x²] - E[x]²</c>, which loses every digit when the mean dwarfs
/// the spread: it is the sum of squared deviations from the mean, taken in a second pass once the mean is known. A
/// batch smaller than <see cref="StreamingStores.MinimumBytes"/> is read twice, the second time from cache.</para>
/// <para><b>Chunks.</b> A larger batch would be read from memory twice, so it is taken in chunks of
/// <see cref="ChunkRows"/> rows, each read from memory once and again from cache: the two-pass formula on the chunk.
/// The first chunk's mean becomes each column's reference <c>K</c>; every later chunk is summed as <c>Σ (x - K)</c>,
/// and the chunks are merged by Chan's update (Chan, Golub and LeVeque, 1979) on these shifted means, which are of the
/// size of the spread:</para>
/// <code>
/// δ = m_b - m_a,   n = n_a + n_b            (m: a mean minus K)
/// m_a  ← m_a + δ · n_b / n
/// M2_a ← M2_a + M2_b + δ² · n_a · n_b / n
/// mean = K + m_a
/// </code>
/// <para>Merged on the raw means instead, δ would carry rounding errors of the size of the mean: on a 37-row batch
/// of mean 10⁶ and spread 3, <c>M2</c> then differed from the two-pass formula's by up to 2 × 10⁻¹¹ (relative);
/// shifted, by less than 10⁻¹⁴ for every chunk size <c>ColumnMomentsTests</c> tries (1 to 36 rows). Against exact
/// sums, the chunks are at least as accurate as two passes over the whole batch: each chunk's sum is short, and the
/// merge adds terms that are all positive.</para>
/// <para><b>Determinism.</b> The chunks depend on the number of rows and columns alone, each column is computed by
/// one part in chunk order, and the tiles sum in row order, so the bits do not depend on the thread count.</para>
/// </remarks>
internal static class ColumnMoments
{
    /// <summary>
    /// Bytes of a chunk (all its columns): small enough to stay in a core's L2 (or at worst its L3) between the
    /// chunk's two passes, large enough that the merges cost little. Measured on a Zen 4 core (1 MiB L2), one thread,
    /// 8192 × 1024, chunks of 128 KiB / 256 KiB / 512 KiB / 1 MiB / 2 MiB: 7.7 / 5.4 / 5.0 / 5.0 / 5.7 ms, against
    /// 7.3–8.2 ms for two passes over the whole batch.
    /// </summary>
    private const int ChunkBytes = 1 << 20;

    /// <summary>Scratch columns kept on the stack; wider ranges rent from the array pool.</summary>
    private const int StackColumns = 128;

    /// <summary>Per-column scratch arrays: see <see cref="Chunks"/>.</summary>
    private const int ScratchArrays = 5;

    /// <summary>
    /// Rows per chunk of a batch of <paramref name="rows"/> × <paramref name="columns"/>: all of them when the batch
    /// is smaller than <see cref="StreamingStores.MinimumBytes"/>, which stays in the last-level cache between two
    /// passes (at 1024 × 1024 two passes took 267 µs, chunks 306 µs); else at least one tile's height.
    /// </summary>
    public static int ChunkRows(int rows, int columns) =>
        (long)rows * columns * sizeof(double) < StreamingStores.MinimumBytes
            ? Math.Max(1, rows)
            : Math.Max(BatchNormTiles.RowsPerTile, ChunkBytes / (sizeof(double) * Math.Max(1, columns)));

    /// <summary>
    /// <c>mean[j]</c> and <c>sumSq[j] = Σ_i (x[i, j] - mean[j])²</c> for <c>j ∈ [first, end)</c>, reading each chunk
    /// of <see cref="ChunkRows"/> rows once from memory and once more from cache. <paramref name="rows"/> ≥ 1.
    /// </summary>
    public static void MeanAndSquaredDeviations(
        ReadOnlySpan<double> x, int rows, int columns, int first, int end, Span<double> mean, Span<double> sumSq) =>
        MeanAndSquaredDeviations(x, rows, columns, first, end, mean, sumSq, ChunkRows(rows, columns));

    /// <summary>
    /// <see cref="MeanAndSquaredDeviations(ReadOnlySpan{double}, int, int, int, int, Span{double}, Span{double})"/>
    /// with chunks of <paramref name="chunkRows"/> rows (tests try many).
    /// </summary>
    internal static void MeanAndSquaredDeviations(
        ReadOnlySpan<double> x, int rows, int columns, int first, int end, Span<double> mean, Span<double> sumSq,
        int chunkRows)
    {
        if (rows <= chunkRows)
        {
            TwoPasses(x, rows, columns, first, end, mean, sumSq);
            return;
        }

        int width = end - first;
        double[]? rented = width > StackColumns ? ArrayPool<double>.Shared.Rent(ScratchArrays * width) : null;
        Span<double> scratch = rented is null ? stackalloc double[ScratchArrays * StackColumns] : rented;
        try
        {
            var chunks = new Chunks(scratch, width);
            Span<double> m2 = sumSq[first..end];
            for (int top = 0; top < rows; top += chunkRows)
            {
                int height = Math.Min(chunkRows, rows - top);
                ReadOnlySpan<double> block = x.Slice((top * columns) + first, ((height - 1) * columns) + width);
                if (top == 0)
                {
                    chunks.Begin(block, height, columns, m2);
                }
                else
                {
                    chunks.Merge(block, top, height, columns, m2);
                }
            }
            chunks.Mean(mean[first..end]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<double>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The two-pass formula over the whole batch: the column sums divided by the row count, then the sums of
    /// squared deviations from that mean.</summary>
    private static void TwoPasses(
        ReadOnlySpan<double> x, int rows, int columns, int first, int end, Span<double> mean, Span<double> sumSq)
    {
        BatchNormTiles.ColumnSums(x, rows, columns, first, end, mean);
        for (int j = first; j < end; j++)
        {
            mean[j] /= rows; // a division, as PyTorch does, not a product with the reciprocal
        }
        BatchNormTiles.ColumnSquaredDeviations(x, rows, columns, first, end, mean, sumSq);
    }

    /// <summary>
    /// The running state of the chunks of one column range (each array indexed from the range's first column): the
    /// reference <c>K</c> (the first chunk's mean), the running mean minus <c>K</c>, and for the chunk at hand its mean
    /// minus <c>K</c>, its centre and its sum of squared deviations.
    /// </summary>
    private readonly ref struct Chunks(Span<double> scratch, int width)
    {
        private readonly int _width = width;
        private readonly Span<double> _reference = scratch[..width];
        private readonly Span<double> _runningShift = scratch.Slice(width, width);
        private readonly Span<double> _chunkShift = scratch.Slice(2 * width, width);
        private readonly Span<double> _chunkCentre = scratch.Slice(3 * width, width);
        private readonly Span<double> _chunkM2 = scratch.Slice(4 * width, width);

        /// <summary>
        /// The first chunk: the two-pass formula, whose mean becomes the reference, and that mean's own rounding
        /// error as the first running shift (a third pass over this chunk alone, from cache). A sum of large values
        /// rounds at the scale of the sum; taken as exact, that error enters every δ at first order (on the 37-row
        /// batch of the remarks, M2 then differed by up to 7 × 10⁻¹²).
        /// </summary>
        public void Begin(ReadOnlySpan<double> block, int height, int columns, Span<double> m2)
        {
            TwoPasses(block, height, columns, 0, _width, _reference, m2);
            BatchNormTiles.ColumnDeviationSums(block, height, columns, 0, _width, _reference, _runningShift);
            for (int j = 0; j < _width; j++)
            {
                _runningShift[j] /= height;
            }
        }

        /// <summary>A later chunk of <paramref name="height"/> rows after <paramref name="rowsBefore"/>: its shifted
        /// sums, its squared deviations from its own mean (from cache), then Chan's update.</summary>
        public void Merge(ReadOnlySpan<double> block, int rowsBefore, int height, int columns, Span<double> m2)
        {
            BatchNormTiles.ColumnDeviationSums(block, height, columns, 0, _width, _reference, _chunkShift);
            for (int j = 0; j < _width; j++)
            {
                _chunkShift[j] /= height;
                _chunkCentre[j] = _reference[j] + _chunkShift[j];
            }
            BatchNormTiles.ColumnSquaredDeviations(block, height, columns, 0, _width, _chunkCentre, _chunkM2);

            double n = rowsBefore + height;
            double meanWeight = height / n, correctionWeight = (double)rowsBefore * height / n;
            for (int j = 0; j < _width; j++)
            {
                double delta = _chunkShift[j] - _runningShift[j];
                m2[j] += _chunkM2[j] + (delta * delta * correctionWeight);
                _runningShift[j] += delta * meanWeight;
            }
        }

        /// <summary>The mean of every row merged so far.</summary>
        public void Mean(Span<double> mean)
        {
            for (int j = 0; j < _width; j++)
            {
                mean[j] = _reference[j] + _runningShift[j];
            }
        }
    }
}
