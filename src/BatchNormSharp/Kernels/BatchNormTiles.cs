using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace BatchNormSharp.Kernels;

/// <summary>
/// The passes of batch normalisation over a range of columns <c>[first, end)</c> of a row-major batch
/// <c>[rows, columns]</c> (a <c>[N, C]</c> input), on the calling thread: the fast path of
/// <see cref="BatchNormFunctions"/>, which checks every length and splits whole batches into such ranges
/// across threads.
/// </summary>
/// <remarks>
/// <para><b>Tiles.</b> Each pass sweeps the batch in tiles of <see cref="RowsPerTile"/> rows (more when the batch is
/// narrow) ×
/// <see cref="TileWidth"/> columns (four 512-bit vectors). A tile keeps its per-column accumulators and constants in
/// registers while it walks down its rows, so memory sees only the batch itself, and the sweep still moves through
/// memory row by row, which is what the hardware prefetchers follow. Columns left over after the last full tile go
/// one column at a time (at most 31 of them: a narrow strip path would save little and double the code; a streamed
/// output adds up to 7 before the first tile, see <see cref="StreamingStore"/>).</para>
/// <para><b>Determinism.</b> Every column is summed in row order, and a vector lane does exactly what the scalar code
/// does to its column (no fused multiply-add anywhere), so the result of a column does not depend on the tile, vector
/// or thread that computed it.</para>
/// </remarks>
internal static unsafe class BatchNormTiles
{
    /// <summary>Doubles per 512-bit vector (<c>Vector512&lt;double&gt;.Count</c>, which is not a C# constant).</summary>
    public const int Lanes = 8;

    /// <summary>Columns per tile: four vectors, enough independent accumulators to hide the latency of an add.</summary>
    public const int TileWidth = 4 * Lanes;

    /// <summary>
    /// Rows per tile of a wide batch. Few enough that a tile's rows stream from memory side by side (each row of each
    /// array is a stream of its own, and the passes of the backward read two arrays and write a third); enough to pay
    /// for loading the per-column constants once per tile. Measured on a Zen 4 core, one thread, 1024 × 1024 (and
    /// 8192 × 1024), µs for 2 / 4 / 8 rows: normalisation 556 / 469 / 583 (7959 / 7661 / 8375), gradient sums 764 /
    /// 482 / 622, input gradient 1178 / 974 / 1432 (12795 / 13516 / 19475); the column sums read one array and run
    /// alike at 4 and 8.
    /// </summary>
    public const int RowsPerTile = 4;

    /// <summary>Elements per tile row band below which narrow batches take taller tiles.</summary>
    private const int ElementsPerBand = 2048;

    /// <summary>
    /// Rows per tile for a batch of <paramref name="columns"/> columns: <see cref="RowsPerTile"/> for wide batches,
    /// more for narrow ones (whose rows sit close together), so that a small batch is not cut into many short tiles
    /// that each reload their accumulators. Only the grouping changes, never the order of the additions.
    /// </summary>
    private static int TileRows(int columns) => Math.Max(RowsPerTile, ElementsPerBand / Math.Max(1, columns));

    /// <summary><c>sum[j] = Σ_i x[i, j]</c> for <c>j ∈ [first, end)</c>, summed in row order.</summary>
    public static void ColumnSums(ReadOnlySpan<double> x, int rows, int columns, int first, int end, Span<double> sum)
    {
        sum[first..end].Clear();
        AddColumnSums(x, rows, columns, first, end, sum);
    }

    /// <summary>
    /// <c>sum[j] += x[0, j] + x[1, j] + …</c> for <c>j ∈ [first, end)</c>, added one row at a time, in row order.
    /// </summary>
    public static void AddColumnSums(ReadOnlySpan<double> x, int rows, int columns, int first, int end, Span<double> sum)
    {
        ref double s = ref MemoryMarshal.GetReference(sum);
        int tileRows = TileRows(columns);
        for (int top = 0; top < rows; top += tileRows)
        {
            int height = Math.Min(tileRows, rows - top);
            ref double row = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), top * columns);
            int j = first;
            for (; j <= end - TileWidth; j += TileWidth)
            {
                SumTile(ref Unsafe.Add(ref row, j), height, columns, ref Unsafe.Add(ref s, j));
            }
            for (; j < end; j++)
            {
                SumColumn(ref Unsafe.Add(ref row, j), height, columns, ref Unsafe.Add(ref s, j));
            }
        }
    }

    /// <summary>
    /// <c>sum[j] = Σ_i (x[i, j] - reference[j])</c> for <c>j ∈ [first, end)</c>, summed in row order: the sum of a
    /// column shifted by a value near its mean, whose rounding errors are those of the spread, not of the mean
    /// (<see cref="ColumnMoments"/>).
    /// </summary>
    public static void ColumnDeviationSums(
        ReadOnlySpan<double> x, int rows, int columns, int first, int end, ReadOnlySpan<double> reference,
        Span<double> sum) =>
        SumDeviationTerms<Deviation>(x, rows, columns, first, end, reference, sum);

    /// <summary>
    /// The second pass of the two-pass variance: <c>sumSq[j] = Σ_i (x[i, j] - mean[j])²</c> for
    /// <c>j ∈ [first, end)</c>. Never <c>E[x²] - E[x]²</c>, which loses every digit when the mean dwarfs the spread.
    /// </summary>
    public static void ColumnSquaredDeviations(
        ReadOnlySpan<double> x, int rows, int columns, int first, int end, ReadOnlySpan<double> mean,
        Span<double> sumSq) =>
        SumDeviationTerms<SquaredDeviation>(x, rows, columns, first, end, mean, sumSq);

    /// <summary>
    /// <c>xhat = (x - mean) · invStd</c> and <c>y = xhat · gamma + beta</c> for <c>j ∈ [first, end)</c>. Normalising
    /// before scaling keeps the digits of <c>x - mean</c> when the mean dwarfs the spread (<c>x · scale + shift</c>
    /// would not). With <paramref name="streamOutput"/> (a large <paramref name="y"/>) the tiles write past the cache
    /// (<see cref="StreamingStore"/>); the values are the same either way.
    /// </summary>
    public static void Normalize(
        ReadOnlySpan<double> x, int rows, int columns, int first, int end,
        ReadOnlySpan<double> mean, ReadOnlySpan<double> invStd, ReadOnlySpan<double> gamma, ReadOnlySpan<double> beta,
        Span<double> y, bool streamOutput = false)
    {
        var c = new NormalizeConstants(
            ref MemoryMarshal.GetReference(mean), ref MemoryMarshal.GetReference(invStd),
            ref MemoryMarshal.GetReference(gamma), ref MemoryMarshal.GetReference(beta));
        fixed (double* output = y) // pinned: the aligned column must stay aligned until the last store
        {
            if (streamOutput && StreamingStores.CanStreamRows(output, columns))
            {
                Normalize<StreamingStore>(x, rows, columns, first, end, c, y,
                    StreamingStores.AlignedColumn(output, first));
                StreamingStores.Fence();
                return;
            }
        }
        Normalize<CachedStore>(x, rows, columns, first, end, c, y, first);
    }

    /// <summary><see cref="Normalize(ReadOnlySpan{double}, int, int, int, int, ReadOnlySpan{double},
    /// ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, Span{double}, bool)"/> with tiles from column
    /// <paramref name="firstTile"/> on, the columns before it and after the last full tile one at a time.</summary>
    private static void Normalize<TStore>(
        ReadOnlySpan<double> x, int rows, int columns, int first, int end, NormalizeConstants c, Span<double> y,
        int firstTile)
        where TStore : struct, IVectorStore
    {
        int tileRows = TileRows(columns);
        for (int top = 0; top < rows; top += tileRows)
        {
            int height = Math.Min(tileRows, rows - top);
            ref double xRow = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), top * columns);
            ref double yRow = ref Unsafe.Add(ref MemoryMarshal.GetReference(y), top * columns);
            int j = first;
            for (; j < Math.Min(firstTile, end); j++)
            {
                NormalizeColumn(ref Unsafe.Add(ref xRow, j), height, columns, c, j, ref Unsafe.Add(ref yRow, j));
            }
            for (; j <= end - TileWidth; j += TileWidth)
            {
                NormalizeTile<TStore>(ref Unsafe.Add(ref xRow, j), height, columns, c, j, ref Unsafe.Add(ref yRow, j));
            }
            for (; j < end; j++)
            {
                NormalizeColumn(ref Unsafe.Add(ref xRow, j), height, columns, c, j, ref Unsafe.Add(ref yRow, j));
            }
        }
    }

    /// <summary>
    /// The two reductions of every BatchNorm backward pass, for <c>j ∈ [first, end)</c>:
    /// <c>sumDy[j] = Σ_i dy[i, j]</c> (= dβ) and <c>sumDyXhat[j] = Σ_i dy[i, j] · xhat[i, j]</c> (= dγ), with
    /// <c>xhat = (x - mean) · invStd</c> recomputed from the input exactly as the forward pass computed it.
    /// </summary>
    public static void GradientSums(
        ReadOnlySpan<double> dy, ReadOnlySpan<double> x, int rows, int columns, int first, int end,
        ReadOnlySpan<double> mean, ReadOnlySpan<double> invStd, Span<double> sumDy, Span<double> sumDyXhat)
    {
        sumDy[first..end].Clear();
        sumDyXhat[first..end].Clear();
        var c = new GradientSumTargets(
            ref MemoryMarshal.GetReference(mean), ref MemoryMarshal.GetReference(invStd),
            ref MemoryMarshal.GetReference(sumDy), ref MemoryMarshal.GetReference(sumDyXhat));
        int tileRows = TileRows(columns);
        for (int top = 0; top < rows; top += tileRows)
        {
            int height = Math.Min(tileRows, rows - top);
            ref double dyRow = ref Unsafe.Add(ref MemoryMarshal.GetReference(dy), top * columns);
            ref double xRow = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), top * columns);
            int j = first;
            for (; j <= end - TileWidth; j += TileWidth)
            {
                GradientSumTile(ref Unsafe.Add(ref dyRow, j), ref Unsafe.Add(ref xRow, j), height, columns, c, j);
            }
            for (; j < end; j++)
            {
                GradientSumColumn(ref Unsafe.Add(ref dyRow, j), ref Unsafe.Add(ref xRow, j), height, columns, c, j);
            }
        }
    }

    /// <summary>
    /// The closed-form training-mode input gradient for <c>j ∈ [first, end)</c>:
    /// <c>dx = scale · (dy - meanDy - xhat · meanDyXhat)</c> with <c>xhat = (x - mean) · invStd</c>,
    /// <c>scale = γ / σ</c>, <c>meanDy = Σdy / N</c> and <c>meanDyXhat = Σ(dy · xhat) / N</c>, N being the batch size.
    /// With <paramref name="streamOutput"/> (a large <paramref name="dx"/>) the tiles write past the cache.
    /// </summary>
    public static void TrainingInputGradient(
        ReadOnlySpan<double> dy, ReadOnlySpan<double> x, int rows, int columns, int first, int end,
        ReadOnlySpan<double> mean, ReadOnlySpan<double> invStd, ReadOnlySpan<double> scale,
        ReadOnlySpan<double> meanDy, ReadOnlySpan<double> meanDyXhat, Span<double> dx, bool streamOutput = false)
    {
        var c = new InputGradientConstants(
            ref MemoryMarshal.GetReference(mean), ref MemoryMarshal.GetReference(invStd),
            ref MemoryMarshal.GetReference(scale), ref MemoryMarshal.GetReference(meanDy),
            ref MemoryMarshal.GetReference(meanDyXhat));
        fixed (double* output = dx) // pinned: the aligned column must stay aligned until the last store
        {
            if (streamOutput && StreamingStores.CanStreamRows(output, columns))
            {
                TrainingInputGradient<StreamingStore>(dy, x, rows, columns, first, end, c, dx,
                    StreamingStores.AlignedColumn(output, first));
                StreamingStores.Fence();
                return;
            }
        }
        TrainingInputGradient<CachedStore>(dy, x, rows, columns, first, end, c, dx, first);
    }

    private static void TrainingInputGradient<TStore>(
        ReadOnlySpan<double> dy, ReadOnlySpan<double> x, int rows, int columns, int first, int end,
        InputGradientConstants c, Span<double> dx, int firstTile)
        where TStore : struct, IVectorStore
    {
        int tileRows = TileRows(columns);
        for (int top = 0; top < rows; top += tileRows)
        {
            int height = Math.Min(tileRows, rows - top);
            ref double dyRow = ref Unsafe.Add(ref MemoryMarshal.GetReference(dy), top * columns);
            ref double xRow = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), top * columns);
            ref double dxRow = ref Unsafe.Add(ref MemoryMarshal.GetReference(dx), top * columns);
            int j = first;
            for (; j < Math.Min(firstTile, end); j++)
            {
                InputGradientColumn(ref Unsafe.Add(ref dyRow, j), ref Unsafe.Add(ref xRow, j), height, columns, c, j,
                    ref Unsafe.Add(ref dxRow, j));
            }
            for (; j <= end - TileWidth; j += TileWidth)
            {
                InputGradientTile<TStore>(ref Unsafe.Add(ref dyRow, j), ref Unsafe.Add(ref xRow, j), height, columns, c,
                    j, ref Unsafe.Add(ref dxRow, j));
            }
            for (; j < end; j++)
            {
                InputGradientColumn(ref Unsafe.Add(ref dyRow, j), ref Unsafe.Add(ref xRow, j), height, columns, c, j,
                    ref Unsafe.Add(ref dxRow, j));
            }
        }
    }

    private static Vector512<double> Load(ref double origin, int offset) =>
        Vector512.LoadUnsafe(ref origin, (nuint)offset);

    // ---- Column sums -------------------------------------------------------------------------------------------

    private static void SumTile(ref double x, int height, int stride, ref double sum)
    {
        var s0 = Load(ref sum, 0);
        var s1 = Load(ref sum, Lanes);
        var s2 = Load(ref sum, 2 * Lanes);
        var s3 = Load(ref sum, 3 * Lanes);
        for (int i = 0; i < height; i++)
        {
            s0 += Load(ref x, 0);
            s1 += Load(ref x, Lanes);
            s2 += Load(ref x, 2 * Lanes);
            s3 += Load(ref x, 3 * Lanes);
            x = ref Unsafe.Add(ref x, stride);
        }
        s0.StoreUnsafe(ref sum, 0);
        s1.StoreUnsafe(ref sum, Lanes);
        s2.StoreUnsafe(ref sum, 2 * Lanes);
        s3.StoreUnsafe(ref sum, 3 * Lanes);
    }


    private static void SumColumn(ref double x, int height, int stride, ref double sum)
    {
        double s = sum;
        for (int i = 0; i < height; i++)
        {
            s += x;
            x = ref Unsafe.Add(ref x, stride);
        }
        sum = s;
    }

    // ---- Sums of a term of the deviations from a per-column centre ---------------------------------------------

    /// <summary>What <see cref="SumDeviationTerms{TTerm}"/> adds up for each deviation <c>d = x - centre</c>.</summary>
    private interface IDeviationTerm
    {
        static abstract Vector512<double> Of(Vector512<double> deviation);

        static abstract double Of(double deviation);
    }

    /// <summary><c>d</c> itself.</summary>
    private readonly struct Deviation : IDeviationTerm
    {
        public static Vector512<double> Of(Vector512<double> deviation) => deviation;

        public static double Of(double deviation) => deviation;
    }

    /// <summary><c>d²</c>.</summary>
    private readonly struct SquaredDeviation : IDeviationTerm
    {
        public static Vector512<double> Of(Vector512<double> deviation) => deviation * deviation;

        public static double Of(double deviation) => deviation * deviation;
    }

    /// <summary><c>sum[j] = Σ_i term(x[i, j] - centre[j])</c> for <c>j ∈ [first, end)</c>, in row order.</summary>
    private static void SumDeviationTerms<TTerm>(
        ReadOnlySpan<double> x, int rows, int columns, int first, int end, ReadOnlySpan<double> centre,
        Span<double> sum)
        where TTerm : struct, IDeviationTerm
    {
        sum[first..end].Clear();
        ref double m = ref MemoryMarshal.GetReference(centre);
        ref double s = ref MemoryMarshal.GetReference(sum);
        int tileRows = TileRows(columns);
        for (int top = 0; top < rows; top += tileRows)
        {
            int height = Math.Min(tileRows, rows - top);
            ref double row = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), top * columns);
            int j = first;
            for (; j <= end - TileWidth; j += TileWidth)
            {
                DeviationTermTile<TTerm>(ref Unsafe.Add(ref row, j), height, columns, ref Unsafe.Add(ref m, j),
                    ref Unsafe.Add(ref s, j));
            }
            for (; j < end; j++)
            {
                DeviationTermColumn<TTerm>(ref Unsafe.Add(ref row, j), height, columns, Unsafe.Add(ref m, j),
                    ref Unsafe.Add(ref s, j));
            }
        }
    }

    private static void DeviationTermTile<TTerm>(ref double x, int height, int stride, ref double centre,
        ref double sum)
        where TTerm : struct, IDeviationTerm
    {
        var m0 = Load(ref centre, 0);
        var m1 = Load(ref centre, Lanes);
        var m2 = Load(ref centre, 2 * Lanes);
        var m3 = Load(ref centre, 3 * Lanes);
        var s0 = Load(ref sum, 0);
        var s1 = Load(ref sum, Lanes);
        var s2 = Load(ref sum, 2 * Lanes);
        var s3 = Load(ref sum, 3 * Lanes);
        for (int i = 0; i < height; i++)
        {
            s0 += TTerm.Of(Load(ref x, 0) - m0);
            s1 += TTerm.Of(Load(ref x, Lanes) - m1);
            s2 += TTerm.Of(Load(ref x, 2 * Lanes) - m2);
            s3 += TTerm.Of(Load(ref x, 3 * Lanes) - m3);
            x = ref Unsafe.Add(ref x, stride);
        }
        s0.StoreUnsafe(ref sum, 0);
        s1.StoreUnsafe(ref sum, Lanes);
        s2.StoreUnsafe(ref sum, 2 * Lanes);
        s3.StoreUnsafe(ref sum, 3 * Lanes);
    }

    private static void DeviationTermColumn<TTerm>(ref double x, int height, int stride, double centre, ref double sum)
        where TTerm : struct, IDeviationTerm
    {
        double s = sum;
        for (int i = 0; i < height; i++)
        {
            s += TTerm.Of(x - centre);
            x = ref Unsafe.Add(ref x, stride);
        }
        sum = s;
    }

    // ---- Normalisation -----------------------------------------------------------------------------------------

    /// <summary>The per-column constants of <see cref="Normalize"/>, as references to their first elements.</summary>
    private readonly ref struct NormalizeConstants(ref double mean, ref double invStd, ref double gamma, ref double beta)
    {
        public readonly ref double Mean = ref mean;
        public readonly ref double InvStd = ref invStd;
        public readonly ref double Gamma = ref gamma;
        public readonly ref double Beta = ref beta;
    }

    private static void NormalizeTile<TStore>(
        ref double x, int height, int stride, NormalizeConstants c, int j, ref double y)
        where TStore : struct, IVectorStore
    {
        ref double m = ref Unsafe.Add(ref c.Mean, j);
        ref double r = ref Unsafe.Add(ref c.InvStd, j);
        ref double g = ref Unsafe.Add(ref c.Gamma, j);
        ref double b = ref Unsafe.Add(ref c.Beta, j);
        var m0 = Load(ref m, 0);
        var m1 = Load(ref m, Lanes);
        var m2 = Load(ref m, 2 * Lanes);
        var m3 = Load(ref m, 3 * Lanes);
        var r0 = Load(ref r, 0);
        var r1 = Load(ref r, Lanes);
        var r2 = Load(ref r, 2 * Lanes);
        var r3 = Load(ref r, 3 * Lanes);
        var g0 = Load(ref g, 0);
        var g1 = Load(ref g, Lanes);
        var g2 = Load(ref g, 2 * Lanes);
        var g3 = Load(ref g, 3 * Lanes);
        var b0 = Load(ref b, 0);
        var b1 = Load(ref b, Lanes);
        var b2 = Load(ref b, 2 * Lanes);
        var b3 = Load(ref b, 3 * Lanes);
        for (int i = 0; i < height; i++)
        {
            TStore.Store(((Load(ref x, 0) - m0) * r0 * g0) + b0, ref y, 0);
            TStore.Store(((Load(ref x, Lanes) - m1) * r1 * g1) + b1, ref y, Lanes);
            TStore.Store(((Load(ref x, 2 * Lanes) - m2) * r2 * g2) + b2, ref y, 2 * Lanes);
            TStore.Store(((Load(ref x, 3 * Lanes) - m3) * r3 * g3) + b3, ref y, 3 * Lanes);
            x = ref Unsafe.Add(ref x, stride);
            y = ref Unsafe.Add(ref y, stride);
        }
    }


    private static void NormalizeColumn(ref double x, int height, int stride, NormalizeConstants c, int j, ref double y)
    {
        double m = Unsafe.Add(ref c.Mean, j), r = Unsafe.Add(ref c.InvStd, j);
        double g = Unsafe.Add(ref c.Gamma, j), b = Unsafe.Add(ref c.Beta, j);
        for (int i = 0; i < height; i++)
        {
            y = ((x - m) * r * g) + b;
            x = ref Unsafe.Add(ref x, stride);
            y = ref Unsafe.Add(ref y, stride);
        }
    }

    // ---- Gradient sums -----------------------------------------------------------------------------------------

    /// <summary>The per-column inputs and accumulators of <see cref="GradientSums"/>.</summary>
    private readonly ref struct GradientSumTargets(ref double mean, ref double invStd, ref double sumDy,
        ref double sumDyXhat)
    {
        public readonly ref double Mean = ref mean;
        public readonly ref double InvStd = ref invStd;
        public readonly ref double SumDy = ref sumDy;
        public readonly ref double SumDyXhat = ref sumDyXhat;
    }

    private static void GradientSumTile(ref double dy, ref double x, int height, int stride, GradientSumTargets c, int j)
    {
        ref double m = ref Unsafe.Add(ref c.Mean, j);
        ref double r = ref Unsafe.Add(ref c.InvStd, j);
        ref double sd = ref Unsafe.Add(ref c.SumDy, j);
        ref double sh = ref Unsafe.Add(ref c.SumDyXhat, j);
        var m0 = Load(ref m, 0);
        var m1 = Load(ref m, Lanes);
        var m2 = Load(ref m, 2 * Lanes);
        var m3 = Load(ref m, 3 * Lanes);
        var r0 = Load(ref r, 0);
        var r1 = Load(ref r, Lanes);
        var r2 = Load(ref r, 2 * Lanes);
        var r3 = Load(ref r, 3 * Lanes);
        var d0 = Load(ref sd, 0);
        var d1 = Load(ref sd, Lanes);
        var d2 = Load(ref sd, 2 * Lanes);
        var d3 = Load(ref sd, 3 * Lanes);
        var h0 = Load(ref sh, 0);
        var h1 = Load(ref sh, Lanes);
        var h2 = Load(ref sh, 2 * Lanes);
        var h3 = Load(ref sh, 3 * Lanes);
        for (int i = 0; i < height; i++)
        {
            var g0 = Load(ref dy, 0);
            var g1 = Load(ref dy, Lanes);
            var g2 = Load(ref dy, 2 * Lanes);
            var g3 = Load(ref dy, 3 * Lanes);
            d0 += g0;
            d1 += g1;
            d2 += g2;
            d3 += g3;
            h0 += g0 * ((Load(ref x, 0) - m0) * r0);
            h1 += g1 * ((Load(ref x, Lanes) - m1) * r1);
            h2 += g2 * ((Load(ref x, 2 * Lanes) - m2) * r2);
            h3 += g3 * ((Load(ref x, 3 * Lanes) - m3) * r3);
            dy = ref Unsafe.Add(ref dy, stride);
            x = ref Unsafe.Add(ref x, stride);
        }
        d0.StoreUnsafe(ref sd, 0);
        d1.StoreUnsafe(ref sd, Lanes);
        d2.StoreUnsafe(ref sd, 2 * Lanes);
        d3.StoreUnsafe(ref sd, 3 * Lanes);
        h0.StoreUnsafe(ref sh, 0);
        h1.StoreUnsafe(ref sh, Lanes);
        h2.StoreUnsafe(ref sh, 2 * Lanes);
        h3.StoreUnsafe(ref sh, 3 * Lanes);
    }


    private static void GradientSumColumn(ref double dy, ref double x, int height, int stride, GradientSumTargets c, int j)
    {
        double m = Unsafe.Add(ref c.Mean, j), r = Unsafe.Add(ref c.InvStd, j);
        double d = Unsafe.Add(ref c.SumDy, j), h = Unsafe.Add(ref c.SumDyXhat, j);
        for (int i = 0; i < height; i++)
        {
            double g = dy;
            d += g;
            h += g * ((x - m) * r);
            dy = ref Unsafe.Add(ref dy, stride);
            x = ref Unsafe.Add(ref x, stride);
        }
        Unsafe.Add(ref c.SumDy, j) = d;
        Unsafe.Add(ref c.SumDyXhat, j) = h;
    }

    // ---- Input gradient ----------------------------------------------------------------------------------------

    /// <summary>The per-column constants of <see cref="TrainingInputGradient"/>.</summary>
    private readonly ref struct InputGradientConstants(ref double mean, ref double invStd, ref double scale,
        ref double meanDy, ref double meanDyXhat)
    {
        public readonly ref double Mean = ref mean;
        public readonly ref double InvStd = ref invStd;
        public readonly ref double Scale = ref scale;
        public readonly ref double MeanDy = ref meanDy;
        public readonly ref double MeanDyXhat = ref meanDyXhat;
    }

    private static void InputGradientTile<TStore>(
        ref double dy, ref double x, int height, int stride, InputGradientConstants c, int j, ref double dx)
        where TStore : struct, IVectorStore
    {
        ref double m = ref Unsafe.Add(ref c.Mean, j);
        ref double r = ref Unsafe.Add(ref c.InvStd, j);
        ref double sc = ref Unsafe.Add(ref c.Scale, j);
        ref double md = ref Unsafe.Add(ref c.MeanDy, j);
        ref double mh = ref Unsafe.Add(ref c.MeanDyXhat, j);
        var m0 = Load(ref m, 0);
        var m1 = Load(ref m, Lanes);
        var m2 = Load(ref m, 2 * Lanes);
        var m3 = Load(ref m, 3 * Lanes);
        var r0 = Load(ref r, 0);
        var r1 = Load(ref r, Lanes);
        var r2 = Load(ref r, 2 * Lanes);
        var r3 = Load(ref r, 3 * Lanes);
        var s0 = Load(ref sc, 0);
        var s1 = Load(ref sc, Lanes);
        var s2 = Load(ref sc, 2 * Lanes);
        var s3 = Load(ref sc, 3 * Lanes);
        var d0 = Load(ref md, 0);
        var d1 = Load(ref md, Lanes);
        var d2 = Load(ref md, 2 * Lanes);
        var d3 = Load(ref md, 3 * Lanes);
        var h0 = Load(ref mh, 0);
        var h1 = Load(ref mh, Lanes);
        var h2 = Load(ref mh, 2 * Lanes);
        var h3 = Load(ref mh, 3 * Lanes);
        for (int i = 0; i < height; i++)
        {
            TStore.Store(s0 * (Load(ref dy, 0) - d0 - ((Load(ref x, 0) - m0) * r0 * h0)), ref dx, 0);
            TStore.Store(s1 * (Load(ref dy, Lanes) - d1 - ((Load(ref x, Lanes) - m1) * r1 * h1)), ref dx, Lanes);
            TStore.Store(s2 * (Load(ref dy, 2 * Lanes) - d2 - ((Load(ref x, 2 * Lanes) - m2) * r2 * h2)), ref dx,
                2 * Lanes);
            TStore.Store(s3 * (Load(ref dy, 3 * Lanes) - d3 - ((Load(ref x, 3 * Lanes) - m3) * r3 * h3)), ref dx,
                3 * Lanes);
            dy = ref Unsafe.Add(ref dy, stride);
            x = ref Unsafe.Add(ref x, stride);
            dx = ref Unsafe.Add(ref dx, stride);
        }
    }


    private static void InputGradientColumn(
        ref double dy, ref double x, int height, int stride, InputGradientConstants c, int j, ref double dx)
    {
        double m = Unsafe.Add(ref c.Mean, j), r = Unsafe.Add(ref c.InvStd, j), s = Unsafe.Add(ref c.Scale, j);
        double d = Unsafe.Add(ref c.MeanDy, j), h = Unsafe.Add(ref c.MeanDyXhat, j);
        for (int i = 0; i < height; i++)
        {
            dx = s * (dy - d - ((x - m) * r * h));
            dy = ref Unsafe.Add(ref dy, stride);
            x = ref Unsafe.Add(ref x, stride);
            dx = ref Unsafe.Add(ref dx, stride);
        }
    }
}
