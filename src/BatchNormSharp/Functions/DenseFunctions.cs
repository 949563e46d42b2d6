using BatchNormSharp.Kernels;

namespace BatchNormSharp;

/// <summary>
/// The arithmetic of a fully connected layer, <c>y = x · W + b</c> with <c>W</c> stored <c>[in, out]</c>, as stateless
/// span functions (PyTorch's <c>F.linear</c>): the <see cref="Dense"/> layer keeps the parameters and calls these.
/// Every function is allocation-free and safe from several threads on distinct destinations.
/// </summary>
internal static class DenseFunctions
{
    /// <summary><c>y = x · W + b</c> for <paramref name="rows"/> rows.</summary>
    public static void Forward(ReadOnlySpan<double> x, int rows, int inFeatures, int outFeatures,
        ReadOnlySpan<double> weight, ReadOnlySpan<double> bias, Span<double> y)
    {
        Gemm.Multiply(rows, outFeatures, inFeatures, x, false, weight, false, accumulate: false, y);
        Elementwise.AddRowToEachRow(bias, rows, y);
    }

    /// <summary>
    /// Adds <c>dW += xᵀ · dy</c> and <c>db += Σ_rows dy</c>, and writes <c>dx = dy · Wᵀ</c> unless
    /// <paramref name="dx"/> is empty (the input gradient is not needed: the largest product of the pass is skipped).
    /// </summary>
    public static void Backward(ReadOnlySpan<double> dy, ReadOnlySpan<double> x, int rows, int inFeatures,
        int outFeatures, ReadOnlySpan<double> weight, Span<double> weightGradient, Span<double> biasGradient,
        Span<double> dx)
    {
        Gemm.Multiply(inFeatures, outFeatures, rows, x, true, dy, false, accumulate: true, weightGradient);
        Elementwise.AddRowsInPlace(dy, rows, outFeatures, biasGradient);
        if (!dx.IsEmpty)
        {
            Gemm.Multiply(rows, inFeatures, outFeatures, dy, false, weight, true, accumulate: false, dx);
        }
    }
}
