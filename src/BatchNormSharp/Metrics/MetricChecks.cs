using System.Globalization;

namespace BatchNormSharp;

/// <summary>The argument checks the metric functions share.</summary>
internal static class MetricChecks
{
    public static void SameLength(int expected, int actual, string what, string parameterName)
    {
        if (expected != actual)
        {
            throw new ArgumentException(
                $"Expected one {what} per example ({Text(expected)}), but got {Text(actual)}.", parameterName);
        }
    }

    public static void NotEmpty(int count, string parameterName)
    {
        if (count == 0)
        {
            throw new ArgumentException("Expected at least one example, but got none.", parameterName);
        }
    }

    public static void ClassIndices(ReadOnlySpan<int> labels, int classes, string parameterName)
    {
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classes)
            {
                throw new ArgumentException(
                    $"Class indices must lie in [0, {Text(classes)}), but entry {Text(i)} is {Text(labels[i])}.",
                    parameterName);
            }
        }
    }

    public static void ZeroOne(ReadOnlySpan<double> targets, string parameterName)
    {
        for (int i = 0; i < targets.Length; i++)
        {
            if (targets[i] is not (0.0 or 1.0))
            {
                throw new ArgumentException(
                    $"Binary targets must be 0 or 1, but target {Text(i)} is " +
                    $"{targets[i].ToString("R", CultureInfo.InvariantCulture)}.", parameterName);
            }
        }
    }

    public static void Finite(ReadOnlySpan<double> values, string what, string parameterName)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                throw new ArgumentException(
                    $"Expected finite {what}, but entry {Text(i)} is " +
                    $"{values[i].ToString("R", CultureInfo.InvariantCulture)}.", parameterName);
            }
        }
    }

    public static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
