using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BatchNormSharp.Kernels;

/// <summary>
/// The path of <see cref="Gemm"/> for small products, such as the layers of a small network at batch 32, and for
/// narrow ones (C of at most 32 columns, such as the 10 class scores of a classifier): no cache blocking and no
/// packing of A, whose cost would dominate a product of a few thousand multiply-adds, and is not repaid by a C too
/// narrow to reuse each packed A panel many times.
/// </summary>
/// <remarks>
/// op(B) is copied once per k block into a zero-padded row-major block as wide as C (this also turns a stored
/// transpose into rows), and C is computed in 4-row tiles by <see cref="GemmSmallKernel"/>, which reads A in place.
/// The k blocks are those of <see cref="GemmBlocking"/>, so both paths give bit-identical products.
/// </remarks>
internal static class GemmSmall
{
    /// <summary>Products of up to this many multiply-adds (m·n·k) take this path, whatever their shape.</summary>
    public const long MaxMultiplyAdds = 32 * 1024;

    /// <summary>
    /// Products with C up to this many columns take this path, whatever their size: measured faster than the
    /// blocked path up to 32 columns (by 15–40 %), and level with it at 33–48.
    /// </summary>
    public const int MaxColumns = 32;

    /// <summary>Whether <paramref name="problem"/> is small or narrow enough for this path.</summary>
    public static bool Handles(in GemmProblem problem) =>
        problem.N <= MaxColumns || (long)problem.M * problem.N * problem.K <= MaxMultiplyAdds;

    /// <summary>Computes the whole product on the calling thread.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(in GemmProblem problem, ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c)
    {
        int m = problem.M, n = problem.N, k = problem.K;
        // Narrow C (the 3 or 10 outputs of a small layer) wastes less of a 256-bit tile; the result is the same.
        GemmVectorWidth width = n <= 8 ? GemmVectorWidth.Vector256 : problem.Width;
        int tileRows = GemmSmallKernel.Rows;
        int tileColumns = GemmSmallKernel.Columns(width);
        int paddedN = (n + tileColumns - 1) / tileColumns * tileColumns;
        int depthBlock = GemmBlocking.DepthBlock(k);
        int packedLength = GemmWorkspace.RoundUpToAlignment(depthBlock * paddedN);
        Span<double> workspace = GemmWorkspace.Rent(packedLength + (tileRows * tileColumns));
        Span<double> packedB = workspace[..packedLength];
        ref double edgeTile = ref workspace[packedLength];

        // op(A)[i, p] is a[i·rowStride + p·depthStride].
        nint rowStride = problem.TransposeA ? 1 : k;
        nint depthStride = problem.TransposeA ? m : 1;
        ref double a00 = ref MemoryMarshal.GetReference(a);
        ref double c00 = ref MemoryMarshal.GetReference(c);
        for (int pc = 0; pc < k; pc += depthBlock)
        {
            int kc = Math.Min(depthBlock, k - pc);
            bool overwrite = !problem.Accumulate && pc == 0;
            GemmPacking.PackB(b, problem.TransposeB, n, k, pc, kc, 0, n, paddedN, packedB);
            ref double b0 = ref MemoryMarshal.GetReference(packedB);
            ref double aBlock = ref Unsafe.Add(ref a00, pc * depthStride);
            for (int i = 0; i < m; i += tileRows)
            {
                int rows = Math.Min(tileRows, m - i);
                // A partial group repeats its last row in the missing lanes: computed, then not written.
                ref double a0 = ref Unsafe.Add(ref aBlock, i * rowStride);
                ref double a1 = ref Unsafe.Add(ref aBlock, Math.Min(i + 1, m - 1) * rowStride);
                ref double a2 = ref Unsafe.Add(ref aBlock, Math.Min(i + 2, m - 1) * rowStride);
                ref double a3 = ref Unsafe.Add(ref aBlock, Math.Min(i + 3, m - 1) * rowStride);
                for (int j = 0; j < n; j += tileColumns)
                {
                    int columns = Math.Min(tileColumns, n - j);
                    ref double cTile = ref Unsafe.Add(ref c00, (i * n) + j);
                    ref double bPanel = ref Unsafe.Add(ref b0, j);
                    if (rows == tileRows && columns == tileColumns)
                    {
                        GemmSmallKernel.Multiply(width, kc, ref a0, ref a1, ref a2, ref a3, depthStride,
                            ref bPanel, paddedN, ref cTile, n, overwrite);
                    }
                    else
                    {
                        GemmSmallKernel.Multiply(width, kc, ref a0, ref a1, ref a2, ref a3, depthStride,
                            ref bPanel, paddedN, ref edgeTile, tileColumns, overwrite: true);
                        GemmMicroKernel.MergeTile(ref edgeTile, tileColumns, ref cTile, n, rows, columns, overwrite);
                    }
                }
            }
        }
    }
}
