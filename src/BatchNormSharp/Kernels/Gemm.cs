using System.Globalization;

namespace BatchNormSharp.Kernels;

/// <summary>
/// General matrix product on row-major spans: <c>C = op(A) · op(B)</c> or <c>C += op(A) · op(B)</c>, where
/// <c>op(X)</c> is X or its transpose.
/// </summary>
/// <remarks>
/// <para>How it is fast (the BLIS/Goto scheme, one concept per file):</para>
/// <list type="bullet">
/// <item><see cref="GemmBlocking"/>: cache blocks of C, k and the operands, sized for L1, L2 and L3.</item>
/// <item><see cref="GemmPacking"/>: copies each block of op(A) and op(B) into contiguous, zero-padded panels, which
/// also makes the four transpose combinations equally fast.</item>
/// <item><see cref="GemmMicroKernel512"/> / <see cref="GemmMicroKernel256"/>: a register tile of C (12 × 16 with
/// AVX-512, 6 × 8 with AVX2) updated by fused multiply-adds; <see cref="GemmMicroKernel"/> handles the edges.</item>
/// <item><see cref="GemmSmall"/> / <see cref="GemmSmallKernel"/>: small or narrow products (a small layer, 10 class
/// scores) skip blocking and the packing of A, whose cost they would not repay.</item>
/// <item><see cref="GemmParts"/>: products of <see cref="WorkerPool.SplitThresholdBytes"/> and more are cut into fixed
/// slices of C and shared between the cores by <see cref="WorkerPool"/>; <see cref="GemmWorkspace"/>: pooled
/// per-thread scratch memory, so that a call allocates nothing.</item>
/// </list>
/// <para>Determinism: every element of C is accumulated in the same order (k blocks that depend on k alone, FMA
/// chains in p order within each block) whatever the number of threads and the SIMD width, so results are
/// bit-identical across thread counts and between the AVX-512 and AVX2 kernels.</para>
/// </remarks>
internal static unsafe class Gemm
{
    /// <summary>
    /// Computes <c>C[m×n] (+)= op(A)[m×k] · op(B)[k×n]</c>.
    /// </summary>
    /// <param name="m">Rows of op(A) and of C.</param>
    /// <param name="n">Columns of op(B) and of C.</param>
    /// <param name="k">Columns of op(A), rows of op(B): the length of each dot product.</param>
    /// <param name="a">A, row-major: <c>[m, k]</c>, or <c>[k, m]</c> when <paramref name="transposeA"/>.</param>
    /// <param name="transposeA">Use the transpose of the stored A.</param>
    /// <param name="b">B, row-major: <c>[k, n]</c>, or <c>[n, k]</c> when <paramref name="transposeB"/>.</param>
    /// <param name="transposeB">Use the transpose of the stored B.</param>
    /// <param name="accumulate">Add the product to C instead of overwriting C.</param>
    /// <param name="c">C, row-major <c>[m, n]</c>; must not overlap A or B.</param>
    /// <remarks>
    /// Each span must hold at least the elements of its matrix; elements beyond are neither read nor written. With
    /// <paramref name="k"/> = 0 the product is zero: C is cleared, or left unchanged when accumulating.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its matrix.</exception>
    public static void Multiply(
        int m, int n, int k,
        ReadOnlySpan<double> a, bool transposeA,
        ReadOnlySpan<double> b, bool transposeB,
        bool accumulate, Span<double> c) =>
        Multiply(m, n, k, a, transposeA, b, transposeB, accumulate, c,
            WorkerPool.ThreadCount,
            GemmMicroKernel.Preferred);

    /// <summary>
    /// <see cref="Multiply(int, int, int, ReadOnlySpan{double}, bool, ReadOnlySpan{double}, bool, bool, Span{double})"/>
    /// with the thread count and the SIMD width under the caller's control, so that tests can compare them.
    /// </summary>
    /// <param name="m">Rows of op(A) and of C.</param>
    /// <param name="n">Columns of op(B) and of C.</param>
    /// <param name="k">The length of each dot product.</param>
    /// <param name="a">A, row-major: <c>[m, k]</c>, or <c>[k, m]</c> when <paramref name="transposeA"/>.</param>
    /// <param name="transposeA">Use the transpose of the stored A.</param>
    /// <param name="b">B, row-major: <c>[k, n]</c>, or <c>[n, k]</c> when <paramref name="transposeB"/>.</param>
    /// <param name="transposeB">Use the transpose of the stored B.</param>
    /// <param name="accumulate">Add the product to C instead of overwriting C.</param>
    /// <param name="c">C, row-major <c>[m, n]</c>.</param>
    /// <param name="maxDegreeOfParallelism">The most parts to cut the product into (1: the calling thread only); the
    /// calling thread's <see cref="KernelThreads.Mode"/> still applies.</param>
    /// <param name="width">The SIMD width; <see cref="GemmVectorWidth.Vector512"/> needs AVX-512 to be fast.</param>
    internal static void Multiply(
        int m, int n, int k,
        ReadOnlySpan<double> a, bool transposeA,
        ReadOnlySpan<double> b, bool transposeB,
        bool accumulate, Span<double> c,
        int maxDegreeOfParallelism, GemmVectorWidth width)
    {
        Validate(m, n, k, a, b, c);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDegreeOfParallelism, 1);
        if (m == 0 || n == 0)
        {
            return;
        }
        if (k == 0)
        {
            if (!accumulate)
            {
                c[..(m * n)].Clear();
            }
            return;
        }

        var problem = new GemmProblem(m, n, k, transposeA, transposeB, accumulate, width);
        int parts = Math.Min(maxDegreeOfParallelism,
            WorkerPool.PartsFor(problem.OperandBytes, GemmParts.FinestParts(problem)));
        if (parts > 1)
        {
            // The helpers cannot hold the caller's spans: pin them for the call and hand over pointers.
            fixed (double* pa = a, pb = b, pc = c)
            {
                var work = new GemmParts(problem, pa, a.Length, pb, b.Length, pc, c.Length);
                WorkerPool.Run(ref work, parts);
            }
        }
        else if (GemmSmall.Handles(problem))
        {
            GemmSmall.Multiply(problem, a, b, c);
        }
        else
        {
            GemmBlocking.MultiplyRegion(problem, a, b, c, 0, m, 0, n);
        }
    }

    private static void Validate(int m, int n, int k, ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        RequireLength(a.Length, (long)m * k, "op(A)", m, k, nameof(a));
        RequireLength(b.Length, (long)k * n, "op(B)", k, n, nameof(b));
        RequireLength(c.Length, (long)m * n, "C", m, n, nameof(c));
    }

    private static void RequireLength(int actual, long required, string matrix, int rows, int columns, string name)
    {
        if (actual < required)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Gemm: {matrix} is {rows} × {columns} = {required} values, but its span holds {actual}."), name);
        }
    }
}
