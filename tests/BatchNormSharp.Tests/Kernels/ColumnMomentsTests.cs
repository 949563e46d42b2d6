using BatchNormSharp.Kernels;

namespace BatchNormSharp.Tests.Kernels;

/// <summary>
/// <see cref="ColumnMoments"/> reads a large batch once, in chunks merged by Chan's update. Whatever the chunk size,
/// the mean and the sum of squared deviations must be those of the two-pass formula to rounding, also when the mean
/// dwarfs the spread; one chunk must be the two-pass formula bit for bit; and a non-finite value in any chunk must
/// make the statistics non-finite (BatchNorm's refusal of a bad batch relies on it).
/// </summary>
public class ColumnMomentsTests
{
    private const int Rows = 37, Columns = 45, First = 3, End = 41; // a tile of 32 columns and single columns

    public static TheoryData<int> ChunkSizes => new() { 1, 2, 3, 4, 5, 7, 16, 36 };

    [Theory]
    [MemberData(nameof(ChunkSizes))]
    public void AnyChunkSize_EqualsTwoPassFormulaToRounding(int chunkRows)
    {
        double[] x = RandomBatch(seed: chunkRows, offset: 1e6, spread: 3);
        var (expectedMean, expectedSumSq) = TwoPass(x);
        double[] mean = new double[Columns], sumSq = new double[Columns];

        ColumnMoments.MeanAndSquaredDeviations(x, Rows, Columns, First, End, mean, sumSq, chunkRows);

        for (int j = First; j < End; j++)
        {
            mean[j].Should().BeApproximately(expectedMean[j], 1e-15 * 1e6);
            sumSq[j].Should().BeApproximately(expectedSumSq[j], 1e-14 * expectedSumSq[j]);
        }
        foreach (double[] written in new[] { mean, sumSq }) // outside the range nothing is written
        {
            written[..First].Should().OnlyContain(v => v == 0);
            written[End..].Should().OnlyContain(v => v == 0);
        }
    }

    [Theory]
    [MemberData(nameof(ChunkSizes))]
    public void LargeMeanSmallSpread_KeepsEveryDigitOfTheVariance(int chunkRows)
    {
        // x = 1e9 + {0, 1, 2, 3} down every column: E[x²] - E[x]² would lose every digit.
        double[] x = new double[Rows * Columns];
        for (int i = 0; i < Rows; i++)
        {
            x.AsSpan(i * Columns, Columns).Fill(1e9 + (i % 4));
        }
        double expectedMean = 1e9 + (Enumerable.Range(0, Rows).Sum(i => i % 4) / (double)Rows);
        double expectedSumSq = Enumerable.Range(0, Rows).Sum(i => Math.Pow((1e9 + (i % 4)) - expectedMean, 2));
        double[] mean = new double[Columns], sumSq = new double[Columns];

        ColumnMoments.MeanAndSquaredDeviations(x, Rows, Columns, 0, Columns, mean, sumSq, chunkRows);

        mean.Should().OnlyContain(m => Math.Abs(m - expectedMean) <= 1e-6);
        sumSq.Should().OnlyContain(s => Math.Abs(s - expectedSumSq) <= 1e-14 * expectedSumSq);
    }

    [Fact]
    public void OneChunk_IsTheTwoPassFormulaBitForBit()
    {
        double[] x = RandomBatch(seed: 5, offset: 12, spread: 5);
        double[] mean = new double[Columns], sumSq = new double[Columns];

        ColumnMoments.MeanAndSquaredDeviations(x, Rows, Columns, First, End, mean, sumSq, chunkRows: Rows);

        for (int j = First; j < End; j++)
        {
            double sum = 0;
            for (int i = 0; i < Rows; i++)
            {
                sum += x[(i * Columns) + j];
            }
            double expectedMean = sum / Rows, expectedSumSq = 0;
            for (int i = 0; i < Rows; i++)
            {
                double d = x[(i * Columns) + j] - expectedMean;
                expectedSumSq += d * d;
            }
            mean[j].Should().Be(expectedMean);
            sumSq[j].Should().Be(expectedSumSq);
        }
    }

    [Theory]
    [InlineData(1e6, 10, 3072)] // mean 1e6, spread 3
    [InlineData(1e9, 16, 64)] // mean 1e9, spread 1e-3
    [InlineData(0, 20, 1 << 20)] // mean 0, spread 1
    public void ManyChunks_MatchExactSumsToTheLastDigits(double offset, int fractionBits, int range)
    {
        // 8192 rows in 128 chunks of 64. x = offset + k / 2^fractionBits is exact in double and in decimal (made from
        // k, never from the double), and decimal's 28 digits hold every sum exactly, so M2 is known to ~1e-25.
        const int rows = 8192, columns = 9, chunkRows = 64;
        var random = new Random(17);
        int[] k = Enumerable.Range(0, rows * columns).Select(_ => random.Next(-range, range + 1)).ToArray();
        double[] x = k.Select(v => offset + (v / Math.Pow(2, fractionBits))).ToArray();
        decimal scale = 1m / (1L << fractionBits);
        double[] mean = new double[columns], sumSq = new double[columns];

        ColumnMoments.MeanAndSquaredDeviations(x, rows, columns, 0, columns, mean, sumSq, chunkRows);

        for (int j = 0; j < columns; j++)
        {
            decimal exactShiftSum = 0; // Σ (x - offset), exact
            for (int i = 0; i < rows; i++)
            {
                exactShiftSum += k[(i * columns) + j] * scale;
            }
            decimal exactShift = exactShiftSum / rows, exactSumSq = 0;
            for (int i = 0; i < rows; i++)
            {
                decimal d = (k[(i * columns) + j] * scale) - exactShift;
                exactSumSq += d * d;
            }
            (Math.Abs(sumSq[j] - (double)exactSumSq) / (double)exactSumSq).Should().BeLessThan(1e-14);
            (mean[j] - offset).Should().BeApproximately((double)exactShift, 4e-16 * Math.Max(1, offset));
        }
    }

    [Theory]
    [InlineData(0, double.PositiveInfinity)]
    [InlineData(36, double.NaN)] // the last row: the last chunk
    [InlineData(20, double.NegativeInfinity)]
    public void NonFiniteValueInAnyChunk_MakesTheStatisticsNonFinite(int row, double value)
    {
        double[] x = RandomBatch(seed: 9, offset: 0, spread: 1);
        x[(row * Columns) + 10] = value;
        double[] mean = new double[Columns], sumSq = new double[Columns];

        ColumnMoments.MeanAndSquaredDeviations(x, Rows, Columns, 0, Columns, mean, sumSq, chunkRows: 4);

        (double.IsFinite(mean[10]) && double.IsFinite(sumSq[10])).Should().BeFalse();
        double.IsFinite(sumSq[11]).Should().BeTrue();
    }

    [Fact]
    public void ChunkRows_OneChunkBelowTheCacheBound_WholeTilesAbove()
    {
        ColumnMoments.ChunkRows(1024, 1024).Should().Be(1024); // 8 MiB: stays in cache for the second pass
        int chunk = ColumnMoments.ChunkRows(8192, 1024); // 64 MiB
        chunk.Should().BeLessThan(8192).And.BeGreaterThanOrEqualTo(BatchNormTiles.RowsPerTile);
        ColumnMoments.ChunkRows(1 << 22, 1).Should().BeLessThan(1 << 22);
    }

    private static (double[] Mean, double[] SumSq) TwoPass(double[] x)
    {
        double[] mean = new double[Columns], sumSq = new double[Columns];
        BatchNormTiles.ColumnSums(x, Rows, Columns, 0, Columns, mean);
        for (int j = 0; j < Columns; j++)
        {
            mean[j] /= Rows;
        }
        BatchNormTiles.ColumnSquaredDeviations(x, Rows, Columns, 0, Columns, mean, sumSq);
        return (mean, sumSq);
    }

    private static double[] RandomBatch(int seed, double offset, double spread)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, Rows * Columns)
            .Select(_ => offset + (spread * ((2 * random.NextDouble()) - 1))).ToArray();
    }
}
