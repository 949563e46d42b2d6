using BatchNormSharp.Kernels;

namespace BatchNormSharp.Tests.Kernels;

/// <summary>
/// The BatchNorm tiles that stream their output past the cache must write the same bits as the cached ones, and only
/// inside their column range, wherever the output starts relative to a 64-byte line (the tiles then begin after a
/// head of single columns) and whether or not the rows allow streaming at all.
/// </summary>
public class StreamingStoreTests
{

    public static TheoryData<int, int, int, int> Ranges()
    {
        var data = new TheoryData<int, int, int, int>();
        foreach (int offset in new[] { 0, 1, 3, 7 }) // the output's start, in doubles past a 64-byte line
        {
            data.Add(offset, 64, 0, 64);
            data.Add(offset, 72, 3, 69); // a head and a tail of single columns
            data.Add(offset, 40, 0, 40); // one tile at most
            data.Add(offset, 13, 0, 13); // rows that cannot stream: the cached path
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Ranges))]
    public void Normalize_Streamed_EqualsCachedAndWritesOnlyItsRange(int offset, int columns, int first, int end)
    {
        int rows = RowsForThreeTiles(columns);
        var random = new Random((offset * 100) + columns);
        double[] x = Values(random, rows * columns, 40), mean = Values(random, columns, 40);
        double[] invStd = Values(random, columns, 2), gamma = Values(random, columns, 1), beta = Values(random, columns, 0);
        double[] cached = Untouched(rows * columns);
        BatchNormTiles.Normalize(x, rows, columns, first, end, mean, invStd, gamma, beta, cached);

        var output = new OffsetBuffer(offset, rows * columns);
        BatchNormTiles.Normalize(x, rows, columns, first, end, mean, invStd, gamma, beta, output.Span,
            streamOutput: true);

        output.Buffer.Should().Equal(output.Expected(cached), (a, b) => a.Equals(b)); // NaN: untouched
    }

    [Theory]
    [MemberData(nameof(Ranges))]
    public void TrainingInputGradient_Streamed_EqualsCachedAndWritesOnlyItsRange(int offset, int columns, int first,
        int end)
    {
        int rows = RowsForThreeTiles(columns);
        var random = new Random((offset * 100) + columns + 1);
        double[] dy = Values(random, rows * columns, 0), x = Values(random, rows * columns, 40);
        double[] mean = Values(random, columns, 40), invStd = Values(random, columns, 2);
        double[] scale = Values(random, columns, 1), meanDy = Values(random, columns, 0);
        double[] meanDyXhat = Values(random, columns, 0);
        double[] cached = Untouched(rows * columns);
        BatchNormTiles.TrainingInputGradient(dy, x, rows, columns, first, end, mean, invStd, scale, meanDy, meanDyXhat,
            cached);

        var output = new OffsetBuffer(offset, rows * columns);
        BatchNormTiles.TrainingInputGradient(dy, x, rows, columns, first, end, mean, invStd, scale, meanDy, meanDyXhat,
            output.Span, streamOutput: true);

        output.Buffer.Should().Equal(output.Expected(cached), (a, b) => a.Equals(b));
    }

    [Fact]
    public unsafe void AlignedColumn_IsTheFirstColumnOnA64ByteLine()
    {
        double[] buffer = GC.AllocateArray<double>(32, pinned: true);
        for (int first = 0; first < 16; first++)
        {
            int column;
            fixed (double* row = buffer)
            {
                column = StreamingStores.AlignedColumn(row, first);
            }

            column.Should().BeInRange(first, first + 7);
            (Address(buffer, column) % 64).Should().Be(0);
            for (int j = first; j < column; j++)
            {
                (Address(buffer, j) % 64).Should().NotBe(0);
            }
        }
    }

    private static long Address(double[] pinned, int index) =>
        System.Runtime.InteropServices.Marshal.UnsafeAddrOfPinnedArrayElement(pinned, index).ToInt64();

    /// <summary>Two full tiles of rows and part of a third (the tiles of a narrow batch are taller than
    /// <see cref="BatchNormTiles.RowsPerTile"/>: 2048 elements at least).</summary>
    private static int RowsForThreeTiles(int columns) => (2 * Math.Max(BatchNormTiles.RowsPerTile, 2048 / columns)) + 1;

    /// <summary>A pinned buffer of NaNs with a span of <c>length</c> of them that starts <c>offset</c> doubles past a
    /// 64-byte line, and the buffer expected once the span holds given values (NaN everywhere else).</summary>
    private sealed class OffsetBuffer
    {
        private readonly int _start;
        private readonly int _length;

        public OffsetBuffer(int offset, int length)
        {
            Buffer = GC.AllocateArray<double>(length + 32, pinned: true);
            Buffer.AsSpan().Fill(double.NaN);
            long address = System.Runtime.InteropServices.Marshal.UnsafeAddrOfPinnedArrayElement(Buffer, 0).ToInt64();
            _start = (int)((64 - (address % 64)) % 64 / sizeof(double)) + offset;
            _length = length;
        }

        public double[] Buffer { get; }

        public Span<double> Span => Buffer.AsSpan(_start, _length);

        public double[] Expected(double[] span)
        {
            var expected = Enumerable.Repeat(double.NaN, Buffer.Length).ToArray();
            span.CopyTo(expected, _start);
            return expected;
        }
    }

    private static double[] Untouched(int length) => Enumerable.Repeat(double.NaN, length).ToArray();

    private static double[] Values(Random random, int length, double offset) =>
        Enumerable.Range(0, length).Select(_ => offset + (random.NextDouble() * 2) - 1).ToArray();
}
