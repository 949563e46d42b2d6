using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace BatchNormSharp.Kernels;

/// <summary>
/// The AVX-512 register tile of <see cref="Gemm"/>: a 12 × 16 block of C held in 24 <see cref="Vector512{T}"/>
/// accumulators (12 rows × 2 vectors of 8 doubles).
/// </summary>
/// <remarks>
/// <para>Each step p reads 2 vectors of the packed B panel (row p, 16 columns) and broadcasts the 12 values of the
/// packed A panel (column p, 12 rows): 24 fused multiply-adds per 14 loads. 24 accumulators + 2 B vectors +
/// 1 broadcast use 27 of the 32 vector registers, and 24 independent chains hide the 4-cycle FMA latency on two
/// FMA pipes.</para>
/// <para>Every element of the tile is one sequential chain <c>acc = fma(a[p], b[p], acc)</c> for p = 0 … kc-1,
/// whatever its position in the tile: this is what makes the result independent of tiling and threading.</para>
/// </remarks>
internal static class GemmMicroKernel512
{
    /// <summary>Rows of the register tile (the height of a packed A panel).</summary>
    public const int Rows = 12;

    /// <summary>Columns of the register tile (the width of a packed B panel).</summary>
    public const int Columns = 16;

    /// <summary>
    /// <c>C[12×16] = acc</c> (when <paramref name="overwrite"/>) or <c>C += acc</c>, where
    /// <c>acc = Σ_p Ã[:, p] · B̃[p, :]</c> over <paramref name="kc"/> steps.
    /// </summary>
    /// <param name="kc">The number of steps (the depth of this k block).</param>
    /// <param name="packedA">The A panel: <paramref name="kc"/> groups of 12 row values.</param>
    /// <param name="packedB">The B panel: <paramref name="kc"/> groups of 16 column values.</param>
    /// <param name="c">The top-left element of the 12 × 16 destination block.</param>
    /// <param name="ldc">The distance between rows of C, in elements.</param>
    /// <param name="overwrite">Store the product instead of adding it to C.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(int kc, ref double packedA, ref double packedB, ref double c, nint ldc, bool overwrite)
    {
        Vector512<double> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<double> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<double> c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<double> c60 = default, c61 = default, c70 = default, c71 = default;
        Vector512<double> c80 = default, c81 = default, c90 = default, c91 = default;
        Vector512<double> ca0 = default, ca1 = default, cb0 = default, cb1 = default;

        ref double a = ref packedA;
        ref double b = ref packedB;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.LoadUnsafe(ref b);
            var b1 = Vector512.LoadUnsafe(ref b, 8);
            Vector512<double> ai;
            ai = Vector512.Create(a);
            c00 = Vector512.FusedMultiplyAdd(ai, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(ai, b1, c01);
            ai = Vector512.Create(Unsafe.Add(ref a, 1));
            c10 = Vector512.FusedMultiplyAdd(ai, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(ai, b1, c11);
            ai = Vector512.Create(Unsafe.Add(ref a, 2));
            c20 = Vector512.FusedMultiplyAdd(ai, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(ai, b1, c21);
            ai = Vector512.Create(Unsafe.Add(ref a, 3));
            c30 = Vector512.FusedMultiplyAdd(ai, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(ai, b1, c31);
            ai = Vector512.Create(Unsafe.Add(ref a, 4));
            c40 = Vector512.FusedMultiplyAdd(ai, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(ai, b1, c41);
            ai = Vector512.Create(Unsafe.Add(ref a, 5));
            c50 = Vector512.FusedMultiplyAdd(ai, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(ai, b1, c51);
            ai = Vector512.Create(Unsafe.Add(ref a, 6));
            c60 = Vector512.FusedMultiplyAdd(ai, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(ai, b1, c61);
            ai = Vector512.Create(Unsafe.Add(ref a, 7));
            c70 = Vector512.FusedMultiplyAdd(ai, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(ai, b1, c71);
            ai = Vector512.Create(Unsafe.Add(ref a, 8));
            c80 = Vector512.FusedMultiplyAdd(ai, b0, c80);
            c81 = Vector512.FusedMultiplyAdd(ai, b1, c81);
            ai = Vector512.Create(Unsafe.Add(ref a, 9));
            c90 = Vector512.FusedMultiplyAdd(ai, b0, c90);
            c91 = Vector512.FusedMultiplyAdd(ai, b1, c91);
            ai = Vector512.Create(Unsafe.Add(ref a, 10));
            ca0 = Vector512.FusedMultiplyAdd(ai, b0, ca0);
            ca1 = Vector512.FusedMultiplyAdd(ai, b1, ca1);
            ai = Vector512.Create(Unsafe.Add(ref a, 11));
            cb0 = Vector512.FusedMultiplyAdd(ai, b0, cb0);
            cb1 = Vector512.FusedMultiplyAdd(ai, b1, cb1);
            a = ref Unsafe.Add(ref a, Rows);
            b = ref Unsafe.Add(ref b, Columns);
        }

        WriteRow(ref c, c00, c01, overwrite);
        WriteRow(ref Unsafe.Add(ref c, ldc), c10, c11, overwrite);
        WriteRow(ref Unsafe.Add(ref c, 2 * ldc), c20, c21, overwrite);
        WriteRow(ref Unsafe.Add(ref c, 3 * ldc), c30, c31, overwrite);
        WriteRow(ref Unsafe.Add(ref c, 4 * ldc), c40, c41, overwrite);
        WriteRow(ref Unsafe.Add(ref c, 5 * ldc), c50, c51, overwrite);
        WriteRow(ref Unsafe.Add(ref c, 6 * ldc), c60, c61, overwrite);
        WriteRow(ref Unsafe.Add(ref c, 7 * ldc), c70, c71, overwrite);
        WriteRow(ref Unsafe.Add(ref c, 8 * ldc), c80, c81, overwrite);
        WriteRow(ref Unsafe.Add(ref c, 9 * ldc), c90, c91, overwrite);
        WriteRow(ref Unsafe.Add(ref c, 10 * ldc), ca0, ca1, overwrite);
        WriteRow(ref Unsafe.Add(ref c, 11 * ldc), cb0, cb1, overwrite);
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
}
