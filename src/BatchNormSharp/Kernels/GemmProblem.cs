namespace BatchNormSharp.Kernels;

/// <summary>
/// The shape and options of one product <c>C[m×n] (+)= op(A)[m×k] · op(B)[k×n]</c>, shared by every thread that
/// computes part of it.
/// </summary>
/// <param name="M">Rows of op(A) and of C.</param>
/// <param name="N">Columns of op(B) and of C.</param>
/// <param name="K">The length of each dot product.</param>
/// <param name="TransposeA">A is stored as its transpose, <c>[k, m]</c>.</param>
/// <param name="TransposeB">B is stored as its transpose, <c>[n, k]</c>.</param>
/// <param name="Accumulate">Add to C instead of overwriting it.</param>
/// <param name="Width">The SIMD width and register tile to compute with.</param>
internal readonly record struct GemmProblem(
    int M, int N, int K, bool TransposeA, bool TransposeB, bool Accumulate, GemmVectorWidth Width)
{
    /// <summary>The bytes of A, B and C together: the measure of whether a second thread pays for itself.</summary>
    public long OperandBytes => sizeof(double) * (((long)M * K) + ((long)K * N) + ((long)M * N));
}
