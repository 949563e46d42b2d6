using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BatchNormSharp.Kernels;

/// <summary>
/// The cache-blocked loops of <see cref="Gemm"/> around the register tile (the five loops of the BLIS/Goto
/// algorithm), for one rectangle of C.
/// </summary>
/// <remarks>
/// <code>
/// for each column block jc of C (ColumnBlock wide)          packed B block: kc × nc, lives in L3
///   for each k block pc (kc deep, see <see cref="DepthBlock"/>)
///     pack op(B)[pc, jc] into panels of tile width
///     for each row block ic of C (RowBlock tall)             packed A block: mc × kc, in L2 or L3
///       pack op(A)[ic, pc] into panels of tile height
///       for each B panel jr                                  one B panel: kc × 16, stays in L2
///         for each A panel ir                                streamed in, used once per B panel
///           C[ic+ir, jc+jr] (+)= A panel · B panel           the register tile, 12 × 16
/// </code>
/// Every element of C is therefore the sum, in k-block order, of per-block FMA chains in p order; the k blocks
/// depend only on k. So the result does not depend on which rectangle of C a thread computes, nor on the tile
/// width: splitting C between threads gives bit-identical products.
/// </remarks>
internal static class GemmBlocking
{
    /// <summary>
    /// The deepest k block. Every k block but the first adds its partial products into C, a read and a write of the
    /// whole of C, whose rows a large leading dimension scatters over cache sets and pages; at n = 1024 each such
    /// pass cost about 1.3 ms (3 %) on a Zen 4 core. Deep blocks make few passes: a 1024-deep B panel of 16 columns
    /// (128 KB) lives in L2 and streams from there at a small fraction of L2's bandwidth. Measured with one thread at
    /// n = 1024: depth 128 / 256 / 512 / 1024 took 53 / 46 / 43 / 41 ms.
    /// </summary>
    public const int MaxDepthBlock = 1024;

    /// <summary>Rows of C per packed A block (20 register tiles); 96 to 480 measured alike at n = 1024.</summary>
    private const int RowBlock = 240;

    /// <summary>Columns of C per packed B block: 1024 × 1024 doubles is 8 MB, a quarter of the 32 MB L3.</summary>
    private const int ColumnBlock = 1024;

    /// <summary>
    /// The depth of every k block but the last, which may be shorter: k is cut into equal blocks of at most
    /// <see cref="MaxDepthBlock"/>, so that no block is a short remainder (2500 = 834 + 834 + 832, not
    /// 1024 + 1024 + 452).
    /// Depends on k alone, which keeps the summation order of each element fixed.
    /// </summary>
    public static int DepthBlock(int k)
    {
        if (k <= MaxDepthBlock)
        {
            return Math.Max(k, 1);
        }
        int blocks = (k + MaxDepthBlock - 1) / MaxDepthBlock;
        return (k + blocks - 1) / blocks;
    }

    /// <summary>
    /// Computes rows [<paramref name="rowStart"/>, <paramref name="rowEnd"/>) × columns
    /// [<paramref name="columnStart"/>, <paramref name="columnEnd"/>) of C for <paramref name="problem"/>, whose k is
    /// at least 1 (<see cref="Gemm"/> handles k = 0).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyRegion(
        in GemmProblem problem, ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c,
        int rowStart, int rowEnd, int columnStart, int columnEnd)
    {
        if (rowStart >= rowEnd || columnStart >= columnEnd || problem.K == 0)
        {
            return; // nothing to compute, and a zero block size would never advance the loops below
        }

        int tileRows = GemmMicroKernel.TileRows(problem.Width);
        int tileColumns = GemmMicroKernel.TileColumns(problem.Width);
        int depthBlock = DepthBlock(problem.K);
        int rowBlock = Math.Min(RowBlock, rowEnd - rowStart);
        int columnBlock = Math.Min(ColumnBlock, columnEnd - columnStart);

        // One rented span holds the packed B block, the packed A block and the edge tile, each cache-line aligned.
        int packedBLength = GemmWorkspace.RoundUpToAlignment(depthBlock * RoundUp(columnBlock, tileColumns));
        int packedALength = GemmWorkspace.RoundUpToAlignment(depthBlock * RoundUp(rowBlock, tileRows));
        Span<double> workspace = GemmWorkspace.Rent(packedBLength + packedALength + (tileRows * tileColumns));
        Span<double> packedB = workspace[..packedBLength];
        Span<double> packedA = workspace.Slice(packedBLength, packedALength);
        Span<double> edgeTile = workspace[(packedBLength + packedALength)..];

        for (int jc = columnStart; jc < columnEnd; jc += columnBlock)
        {
            int nc = Math.Min(columnBlock, columnEnd - jc);
            for (int pc = 0; pc < problem.K; pc += depthBlock)
            {
                int kc = Math.Min(depthBlock, problem.K - pc);
                bool overwrite = !problem.Accumulate && pc == 0;
                GemmPacking.PackB(b, problem.TransposeB, problem.N, problem.K, pc, kc, jc, nc, tileColumns, packedB);
                for (int ic = rowStart; ic < rowEnd; ic += rowBlock)
                {
                    int mc = Math.Min(rowBlock, rowEnd - ic);
                    GemmPacking.PackA(a, problem.TransposeA, problem.M, problem.K, ic, mc, pc, kc, tileRows, packedA);
                    MultiplyPackedBlocks(problem, kc, mc, nc, packedA, packedB, c.Slice((ic * problem.N) + jc),
                        overwrite, edgeTile);
                }
            }
        }
    }

    /// <summary>
    /// The two innermost loops (the macro-kernel): every tile of an <paramref name="mc"/> × <paramref name="nc"/>
    /// block of C from a packed A block and a packed B block. B panels outside, so each one is reused from L1 by all
    /// the A panels.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyPackedBlocks(
        in GemmProblem problem, int kc, int mc, int nc, Span<double> packedA, Span<double> packedB,
        Span<double> c, bool overwrite, Span<double> edgeTile)
    {
        int tileRows = GemmMicroKernel.TileRows(problem.Width);
        int tileColumns = GemmMicroKernel.TileColumns(problem.Width);
        int ldc = problem.N;
        ref double packedA0 = ref MemoryMarshal.GetReference(packedA);
        ref double packedB0 = ref MemoryMarshal.GetReference(packedB);
        ref double c0 = ref MemoryMarshal.GetReference(c);
        for (int jr = 0; jr < nc; jr += tileColumns)
        {
            int columns = Math.Min(tileColumns, nc - jr);
            ref double panelB = ref Unsafe.Add(ref packedB0, jr * kc);
            for (int ir = 0; ir < mc; ir += tileRows)
            {
                int rows = Math.Min(tileRows, mc - ir);
                GemmMicroKernel.MultiplyTile(problem.Width, kc,
                    ref Unsafe.Add(ref packedA0, ir * kc), ref panelB,
                    ref Unsafe.Add(ref c0, (ir * ldc) + jr), ldc,
                    rows, columns, overwrite, edgeTile);
            }
        }
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
