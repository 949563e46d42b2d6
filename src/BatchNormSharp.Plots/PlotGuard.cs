using System.Globalization;

namespace BatchNormSharp.Plots;

/// <summary>Argument checks shared by the plotting functions. Each copies what it checks, so that a plot never holds
/// (or changes) the caller's storage.</summary>
internal static class PlotGuard
{
    /// <summary>A private copy of <paramref name="values"/>.</summary>
    public static double[] ToArray(IReadOnlyList<double> values)
    {
        var copy = new double[values.Count];
        for (int i = 0; i < copy.Length; i++)
        {
            copy[i] = values[i];
        }
        return copy;
    }

    /// <summary>A private copy of non-empty, finite <paramref name="values"/>.</summary>
    public static double[] Finite(IReadOnlyList<double>? values, string what, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(values, parameterName);
        if (values.Count == 0)
        {
            throw new ArgumentException($"Expected at least one value for {what}, but got none.", parameterName);
        }
        var copy = ToArray(values);
        for (int i = 0; i < copy.Length; i++)
        {
            if (!double.IsFinite(copy[i]))
            {
                throw new ArgumentException(
                    $"Expected finite values for {what}, but value {Text(i)} is {Text(copy[i])}. Remove or replace NaN " +
                    "and infinite values first.", parameterName);
            }
        }
        return copy;
    }

    /// <summary>Private copies of per-feature columns: at least one feature, each with at least one finite value.</summary>
    public static double[][] Columns(IReadOnlyList<IReadOnlyList<double>>? columns, string what, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(columns, parameterName);
        if (columns.Count == 0)
        {
            throw new ArgumentException(
                $"Expected one column of values per feature for {what}, but got no columns.", parameterName);
        }
        var copy = new double[columns.Count][];
        for (int j = 0; j < copy.Length; j++)
        {
            copy[j] = Finite(columns[j], $"feature {Text(j)} of {what}", parameterName);
        }
        return copy;
    }

    public static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);
}
