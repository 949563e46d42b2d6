using BatchNormSharp.Kernels;

namespace BatchNormSharp.Tests.Kernels;

/// <summary>
/// The BatchNorm tiles that stream their output past the cache must write the same bits as the cached ones, and only
/// inside their column range, wherever the output starts relative to a 64-byte line (the tiles then begin after a
/// head of single columns) and whether or not the rows allow streaming at all.
/// </summary>
public class StreamingStoreTests
{
    private const int Rows = 5; // a full tile of four rows and one more

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
        var random = new Random((offset * 100) + columns);
        double[] x = Values(random, Rows * columns, 40), mean = Values(random, columns, 40);
        double[] invStd = Values(random, columns, 2), gamma = Values(random, columns, 1), beta = Values(random, columns, 0);
        double[] cached = Untouched(Rows * columns);
        BatchNormTiles.Normalize(x, Rows, columns, first, end, mean, invStd, gamma, beta, cached);

        double[] streamed = AtOffset(offset, Rows * columns, out var span);
        BatchNormTiles.Normalize(x, Rows, columns, first, end, mean, invStd, gamma, beta, span, streamOutput: true);

        span.ToArray().Should().Equal(cached, (a, b) => a.Equals(b)); // NaN marks the untouched elements
        GC.KeepAlive(streamed);
    }

    [Theory]
    [MemberData(nameof(Ranges))]
    public void TrainingInputGradient_Streamed_EqualsCachedAndWritesOnlyItsRange(int offset, int columns, int first,
        int end)
    {
        var random = new Random((offset * 100) + columns + 1);
        double[] dy = Values(random, Rows * columns, 0), x = Values(random, Rows * columns, 40);
        double[] mean = Values(random, columns, 40), invStd = Values(random, columns, 2);
        double[] scale = Values(random, columns, 1), meanDy = Values(random, columns, 0);
        double[] meanDyXhat = Values(random, columns, 0);
        double[] cached = Untouched(Rows * columns);
        BatchNormTiles.TrainingInputGradient(dy, x, Rows, columns, first, end, mean, invStd, scale, meanDy, meanDyXhat,
            cached);

        double[] streamed = AtOffset(offset, Rows * columns, out var span);
        BatchNormTiles.TrainingInputGradient(dy, x, Rows, columns, first, end, mean, invStd, scale, meanDy, meanDyXhat,
            span, streamOutput: true);

        span.ToArray().Should().Equal(cached, (a, b) => a.Equals(b));
        GC.KeepAlive(streamed);
    }

    [Fact]
    public void AlignedColumn_IsTheFirstColumnOnA64ByteLine()
    {
        double[] buffer = GC.AllocateArray<double>(32, pinned: true);
        for (int first = 0; first < 16; first++)
        {
            int column = StreamingStores.AlignedColumn(ref buffer[0], first);

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

    /// <summary>A pinned buffer of NaNs and the span of <paramref name="length"/> of them that starts
    /// <paramref name="offset"/> doubles past a 64-byte line.</summary>
    private static double[] AtOffset(int offset, int length, out Span<double> span)
    {
        double[] buffer = GC.AllocateArray<double>(length + 16, pinned: true);
        buffer.AsSpan().Fill(double.NaN);
        int start = StreamingStores.AlignedColumn(ref buffer[0], 0) + offset;
        span = buffer.AsSpan(start, length);
        return buffer;
    }

    private static double[] Untouched(int length) => Enumerable.Repeat(double.NaN, length).ToArray();

    private static double[] Values(Random random, int length, double offset) =>
        Enumerable.Range(0, length).Select(_ => offset + (random.NextDouble() * 2) - 1).ToArray();
}
