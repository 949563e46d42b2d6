using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace BatchNormSharp.Kernels;

/// <summary>
/// The AVX2 register tile of <see cref="Gemm"/>, used where <see cref="Vector512"/> is not accelerated: a 6 × 8
/// block of C held in 12 <see cref="Vector256{T}"/> accumulators (6 rows × 2 vectors of 4 doubles).
/// </summary>
/// <remarks>
/// 12 accumulators + 2 B vectors + 1 broadcast fit the 16 vector registers of AVX2. The summation order of every
/// element is the same as in <see cref="GemmMicroKernel512"/> (one sequential FMA chain over the k block), so
/// both kernels give bit-identical products.
/// </remarks>
internal static class GemmMicroKernel256
{
    /// <summary>Rows of the register tile (the height of a packed A panel).</summary>
    public const int Rows = 6;

    /// <summary>Columns of the register tile (the width of a packed B panel).</summary>
    public const int Columns = 8;

    /// <summary>
    /// <c>C[6×8] = acc</c> (when <paramref name="overwrite"/>) or <c>C += acc</c>, where
    /// <c>acc = Σ_p Ã[:, p] · B̃[p, :]</c> over <paramref name="kc"/> steps.
    /// </summary>
    /// <param name="kc">The number of steps (the depth of this k block).</param>
    /// <param name="packedA">The A panel: <paramref name="kc"/> groups of 6 row values.</param>
    /// <param name="packedB">The B panel: <paramref name="kc"/> groups of 8 column values.</param>
    /// <param name="c">The top-left element of the 6 × 8 destination block.</param>
    /// <param name="ldc">The distance between rows of C, in elements.</param>
    /// <param name="overwrite">Store the product instead of adding it to C.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(int kc, ref double packedA, ref double packedB, ref double c, nint ldc, bool overwrite)
    {
        Vector256<double> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<double> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector256<double> c40 = default, c41 = default, c50 = default, c51 = default;

        ref double a = ref packedA;
        ref double b = ref packedB;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.LoadUnsafe(ref b);
            var b1 = Vector256.LoadUnsafe(ref b, 4);
            Vector256<double> ai;
            ai = Vector256.Create(a);
            c00 = Vector256.FusedMultiplyAdd(ai, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(ai, b1, c01);
            ai = Vector256.Create(Unsafe.Add(ref a, 1));
            c10 = Vector256.FusedMultiplyAdd(ai, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(ai, b1, c11);
            ai = Vector256.Create(Unsafe.Add(ref a, 2));
            c20 = Vector256.FusedMultiplyAdd(ai, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(ai, b1, c21);
            ai = Vector256.Create(Unsafe.Add(ref a, 3));
            c30 = Vector256.FusedMultiplyAdd(ai, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(ai, b1, c31);
            ai = Vector256.Create(Unsafe.Add(ref a, 4));
            c40 = Vector256.FusedMultiplyAdd(ai, b0, c40);
            c41 = Vector256.FusedMultiplyAdd(ai, b1, c41);
            ai = Vector256.Create(Unsafe.Add(ref a, 5));
            c50 = Vector256.FusedMultiplyAdd(ai, b0, c50);
            c51 = Vector256.FusedMultiplyAdd(ai, b1, c51);
            a = ref Unsafe.Add(ref a, Rows);
            b = ref Unsafe.Add(ref b, Columns);
        }

        WriteRow(ref c, c00, c01, overwrite);
        WriteRow(ref Unsafe.Add(ref c, ldc), c10, c11, overwrite);
        WriteRow(ref Unsafe.Add(ref c, 2 * ldc), c20, c21, overwrite);
        WriteRow(ref Unsafe.Add(ref c, 3 * ldc), c30, c31, overwrite);
        WriteRow(ref Unsafe.Add(ref c, 4 * ldc), c40, c41, overwrite);
        WriteRow(ref Unsafe.Add(ref c, 5 * ldc), c50, c51, overwrite);
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
