
namespace BatchNormSharp.Kernels;

/// <summary>Row-wise softmax and log-sum-exp, shifted by each row's maximum so that no exponential overflows.</summary>
internal static class Softmax
{
    /// <summary>
    /// Writes <c>softmax(row)</c> to <paramref name="probabilities"/> and returns <c>log Σ exp(row)</c>, computed as
    /// <c>max + log Σ exp(row - max)</c>.
    /// </summary>
    public static double Row(ReadOnlySpan<double> logits, Span<double> probabilities)
    {
        double max = double.NegativeInfinity;
        foreach (double value in logits)
        {
            max = Math.Max(max, value);
        }

        double sum = 0.0;
        for (int j = 0; j < logits.Length; j++)
        {
            double e = Math.Exp(logits[j] - max);
            probabilities[j] = e;
            sum += e;
        }

        double inverse = 1.0 / sum;
        for (int j = 0; j < logits.Length; j++)
        {
            probabilities[j] *= inverse;
        }
        return max + Math.Log(sum);
    }
}
