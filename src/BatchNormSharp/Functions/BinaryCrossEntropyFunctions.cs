namespace BatchNormSharp;

/// <summary>
/// Binary cross-entropy from logits, element-wise, in the order of operations of PyTorch 1.13's
/// <c>binary_cross_entropy_with_logits</c> and its backward, so that results agree to the last bits.
/// </summary>
internal static class BinaryCrossEntropyFunctions
{
    /// <summary>
    /// The sum over elements of <c>(1 - t)·x + w·(log(e^-m + e^(-x-m)) + m)</c> with <c>m = max(-x, 0)</c> and
    /// <c>w = (posWeight - 1)·t + 1</c>: the stable form of <c>-w·t·log σ(x) - (1 - t)·log(1 - σ(x))</c>. Both exponents
    /// are at most 0, so logits of any size give a finite loss.
    /// </summary>
    public static double Sum(ReadOnlySpan<double> logits, ReadOnlySpan<double> targets, double? posWeight)
    {
        double total = 0.0;
        for (int i = 0; i < logits.Length; i++)
        {
            double x = logits[i], t = targets[i];
            double m = Math.Max(-x, 0.0);
            double logTerm = Math.Log(Math.Exp(-m) + Math.Exp(-x - m));
            total += posWeight is double pw
                ? ((1.0 - t) * x) + ((((pw - 1.0) * t) + 1.0) * (logTerm + m))
                : ((1.0 - t) * x) + m + logTerm;
        }
        return total;
    }

    /// <summary>
    /// <c>dL/dx = (σ(x) - t) · scale</c>, or with a positive-class weight <c>((w·t + 1 - t)·σ(x) - w·t) · scale</c>,
    /// where <paramref name="sigmoid"/> holds σ(x) and <c>scale</c> is <c>1 / count</c> for the mean.
    /// </summary>
    public static void Gradient(ReadOnlySpan<double> sigmoid, ReadOnlySpan<double> targets, double? posWeight,
        double count, Span<double> gradient)
    {
        for (int i = 0; i < sigmoid.Length; i++)
        {
            double t = targets[i];
            if (posWeight is double pw)
            {
                double weighted = pw * t;
                gradient[i] = ((((weighted + 1.0) - t) * sigmoid[i]) - weighted) / count;
            }
            else
            {
                gradient[i] = (sigmoid[i] - t) / count;
            }
        }
    }
}
