namespace BatchNormSharp.Kernels;

/// <summary>
/// The arithmetic of folding a per-feature affine map (an inference-mode BatchNorm or Normalization) into the Dense
/// layer in front of it: <c>((x·W + b) - c) · s + o = x·(W·s) + ((b - c)·s + o)</c> per output feature; for a
/// BatchNorm <c>c = μ</c>, <c>s = γ / √(σ² + ε)</c>, <c>o = β</c>.
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

    /// <summary><c>scale[j] = 1 / divisor[j]</c>: a division per feature (Normalization's) as a factor.</summary>
    public static void Reciprocal(ReadOnlySpan<double> divisor, Span<double> scale)
    {
        for (int j = 0; j < scale.Length; j++)
        {
            scale[j] = 1.0 / divisor[j];
        }
    }

    /// <summary><c>destination[i, j] = weight[i, j] · scale[j]</c> for a row-major <c>[in, out]</c> weight.</summary>
    public static void Weight(ReadOnlySpan<double> weight, int inFeatures, int outFeatures, ReadOnlySpan<double> scale,
        Span<double> destination) =>
        Elementwise.ScaleColumns(weight, inFeatures, outFeatures, scale, destination);

    /// <summary><c>destination[j] = (bias[j] - center[j]) · scale[j] + offset[j]</c>.</summary>
    public static void Bias(ReadOnlySpan<double> bias, ReadOnlySpan<double> center, ReadOnlySpan<double> scale,
        ReadOnlySpan<double> offset, Span<double> destination)
    {
        for (int j = 0; j < destination.Length; j++)
        {
            destination[j] = (bias[j] - center[j]) * scale[j] + offset[j];
        }
    }
}
