namespace BatchNormSharp.Kernels;

/// <summary>
/// General matrix product on row-major spans: <c>C = op(A) · op(B)</c> or <c>C += op(A) · op(B)</c>, where
/// <c>op(X)</c> is X or its transpose.
/// </summary>
internal static class Gemm
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
    /// <param name="c">C, row-major <c>[m, n]</c>.</param>
    public static void Multiply(
        int m, int n, int k,
        ReadOnlySpan<double> a, bool transposeA,
        ReadOnlySpan<double> b, bool transposeB,
        bool accumulate, Span<double> c)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    double aValue = transposeA ? a[(p * m) + i] : a[(i * k) + p];
                    double bValue = transposeB ? b[(j * k) + p] : b[(p * n) + j];
                    sum += aValue * bValue;
                }
                c[(i * n) + j] = accumulate ? c[(i * n) + j] + sum : sum;
            }
        }
    }
}
