namespace BatchNormSharp;

/// <summary>The arithmetic of the mean squared error, in PyTorch 1.13's order of operations.</summary>
internal static class SquaredErrorFunctions
{
    /// <summary>Writes <c>d = x - t</c> and returns <c>Σ d²</c>.</summary>
    public static double Difference(ReadOnlySpan<double> predictions, ReadOnlySpan<double> targets,
        Span<double> difference)
    {
        double total = 0.0;
        for (int i = 0; i < predictions.Length; i++)
        {
            double d = predictions[i] - targets[i];
            difference[i] = d;
            total += d * d;
        }
        return total;
    }

    /// <summary>Writes <c>g = (2 / count) · d</c>: PyTorch computes the factor <c>2 / count</c> first.</summary>
    public static void Gradient(ReadOnlySpan<double> difference, Span<double> gradient)
    {
        double norm = 2.0 / difference.Length;
        for (int i = 0; i < difference.Length; i++)
        {
            gradient[i] = norm * difference[i];
        }
    }
}
