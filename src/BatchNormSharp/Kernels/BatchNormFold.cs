namespace BatchNormSharp.Kernels;

/// <summary>
/// The arithmetic of folding an inference-mode BatchNorm into the Dense layer in front of it:
/// <c>((x·W + b) - μ) · s + β = x·(W·s) + ((b - μ)·s + β)</c> with <c>s = γ / √(σ² + ε)</c> per output feature.
/// </summary>
internal static class BatchNormFold
{
    /// <summary>
    /// <c>scale[j] = γ[j] · (1 / √(runningVar[j] + ε))</c>, the inverse standard deviation rounded exactly as
    /// <see cref="BatchNorm"/>'s inference path rounds it, so the folded and unfolded models differ only by where the
    /// products are taken.
    /// </summary>
    public static void Scale(ReadOnlySpan<double> gamma, ReadOnlySpan<double> runningVar, double eps, Span<double> scale)
    {
        BatchNormFunctions.InverseStd(runningVar, eps, scale);
        for (int j = 0; j < scale.Length; j++)
        {
            scale[j] *= gamma[j];
        }
    }

    /// <summary><c>destination[i, j] = weight[i, j] · scale[j]</c> for a row-major <c>[in, out]</c> weight.</summary>
    public static void Weight(ReadOnlySpan<double> weight, int inFeatures, int outFeatures, ReadOnlySpan<double> scale,
        Span<double> destination) =>
        Elementwise.ScaleColumns(weight, inFeatures, outFeatures, scale, destination);

    /// <summary><c>destination[j] = (bias[j] - mean[j]) · scale[j] + beta[j]</c>.</summary>
    public static void Bias(ReadOnlySpan<double> bias, ReadOnlySpan<double> mean, ReadOnlySpan<double> scale,
        ReadOnlySpan<double> beta, Span<double> destination)
    {
        for (int j = 0; j < destination.Length; j++)
        {
            destination[j] = (bias[j] - mean[j]) * scale[j] + beta[j];
        }
    }
}
