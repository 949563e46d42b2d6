using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace BatchNormSharp.Kernels;

/// <summary>
/// The register tile of <see cref="GemmSmall"/>: 4 rows of C × 2 vectors, reading A where it lies (one scalar per
/// row and step, through strides) instead of from a packed panel.
/// </summary>
/// <remarks>
/// 8 accumulators are enough chains to keep both FMA pipes busy; the tile is small so that little is wasted on the
/// narrow matrices (n = 3, 10) of small layers. Every element is the same sequential FMA chain over the k block as
/// in the packed kernels, so both paths give bit-identical products.
/// </remarks>
internal static class GemmSmallKernel
{
    /// <summary>Rows of the tile.</summary>
    public const int Rows = 4;

    /// <summary>Columns of the tile: two vectors.</summary>
    public static int Columns(GemmVectorWidth width) => width == GemmVectorWidth.Vector512 ? 16 : 8;

    /// <summary>
    /// <c>C[4 × Columns] = acc</c> (when <paramref name="overwrite"/>) or <c>C += acc</c>, with
    /// <c>acc[r, :] = Σ_p a_r[p · depthStride] · b[p · bStride + :]</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(
        GemmVectorWidth width, int kc, ref double a0, ref double a1, ref double a2, ref double a3, nint depthStride,
        ref double b, nint bStride, ref double c, nint ldc, bool overwrite)
    {
        if (width == GemmVectorWidth.Vector512)
        {
            Multiply512(kc, ref a0, ref a1, ref a2, ref a3, depthStride, ref b, bStride, ref c, ldc, overwrite);
        }
        else
        {
            Multiply256(kc, ref a0, ref a1, ref a2, ref a3, depthStride, ref b, bStride, ref c, ldc, overwrite);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Multiply512(
        int kc, ref double a0, ref double a1, ref double a2, ref double a3, nint depthStride,
        ref double b, nint bStride, ref double c, nint ldc, bool overwrite)
    {
        Vector512<double> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<double> c20 = default, c21 = default, c30 = default, c31 = default;
        // Offsets rather than advancing references: the A rows may end before a reference advanced past them would.
        nint aOffset = 0, bOffset = 0;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.LoadUnsafe(ref Unsafe.Add(ref b, bOffset));
            var b1 = Vector512.LoadUnsafe(ref Unsafe.Add(ref b, bOffset), 8);
            var ai = Vector512.Create(Unsafe.Add(ref a0, aOffset));
            c00 = Vector512.FusedMultiplyAdd(ai, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(ai, b1, c01);
            ai = Vector512.Create(Unsafe.Add(ref a1, aOffset));
            c10 = Vector512.FusedMultiplyAdd(ai, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(ai, b1, c11);
            ai = Vector512.Create(Unsafe.Add(ref a2, aOffset));
            c20 = Vector512.FusedMultiplyAdd(ai, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(ai, b1, c21);
            ai = Vector512.Create(Unsafe.Add(ref a3, aOffset));
            c30 = Vector512.FusedMultiplyAdd(ai, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(ai, b1, c31);
            aOffset += depthStride;
            bOffset += bStride;
        }
        WriteRow(ref c, c00, c01, overwrite);
        WriteRow(ref Unsafe.Add(ref c, ldc), c10, c11, overwrite);
        WriteRow(ref Unsafe.Add(ref c, 2 * ldc), c20, c21, overwrite);
        WriteRow(ref Unsafe.Add(ref c, 3 * ldc), c30, c31, overwrite);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Multiply256(
        int kc, ref double a0, ref double a1, ref double a2, ref double a3, nint depthStride,
        ref double b, nint bStride, ref double c, nint ldc, bool overwrite)
    {
        Vector256<double> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<double> c20 = default, c21 = default, c30 = default, c31 = default;
        // Offsets rather than advancing references: the A rows may end before a reference advanced past them would.
        nint aOffset = 0, bOffset = 0;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.LoadUnsafe(ref Unsafe.Add(ref b, bOffset));
            var b1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref b, bOffset), 4);
            var ai = Vector256.Create(Unsafe.Add(ref a0, aOffset));
            c00 = Vector256.FusedMultiplyAdd(ai, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(ai, b1, c01);
            ai = Vector256.Create(Unsafe.Add(ref a1, aOffset));
            c10 = Vector256.FusedMultiplyAdd(ai, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(ai, b1, c11);
            ai = Vector256.Create(Unsafe.Add(ref a2, aOffset));
            c20 = Vector256.FusedMultiplyAdd(ai, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(ai, b1, c21);
            ai = Vector256.Create(Unsafe.Add(ref a3, aOffset));
            c30 = Vector256.FusedMultiplyAdd(ai, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(ai, b1, c31);
            aOffset += depthStride;
            bOffset += bStride;
        }
        WriteRow(ref c, c00, c01, overwrite);
        WriteRow(ref Unsafe.Add(ref c, ldc), c10, c11, overwrite);
        WriteRow(ref Unsafe.Add(ref c, 2 * ldc), c20, c21, overwrite);
        WriteRow(ref Unsafe.Add(ref c, 3 * ldc), c30, c31, overwrite);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WriteRow(ref double row, Vector512<double> left, Vector512<double> right, bool overwrite)
    {
        if (!overwrite)
        {
            left += Vector512.LoadUnsafe(ref row);
            right += Vector512.LoadUnsafe(ref row, 8);
        }
        left.StoreUnsafe(ref row);
        right.StoreUnsafe(ref row, 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WriteRow(ref double row, Vector256<double> left, Vector256<double> right, bool overwrite)
    {
        if (!overwrite)
        {
            left += Vector256.LoadUnsafe(ref row);
            right += Vector256.LoadUnsafe(ref row, 4);
        }
        left.StoreUnsafe(ref row);
        right.StoreUnsafe(ref row, 4);
    }
}
