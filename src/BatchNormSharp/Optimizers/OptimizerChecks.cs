using System.Globalization;

namespace BatchNormSharp;

/// <summary>The argument checks every optimizer makes, with messages that say what was expected and what came.</summary>
internal static class OptimizerChecks
{
    /// <summary>Copies the parameters, refusing a parameter listed twice (it would be updated twice per step).</summary>
    public static Parameter[] DistinctParameters(IEnumerable<Parameter> parameters, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(parameters, parameterName);
        Parameter[] list = [.. parameters];
        var firstIndex = new Dictionary<Parameter, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < list.Length; i++)
        {
            if (list[i] is null)
            {
                throw new ArgumentException(
                    $"Expected a parameter at every position, but parameter {i.ToString(CultureInfo.InvariantCulture)} " +
                    "is null. Pass model.Parameters.",
                    parameterName);
            }
            if (!firstIndex.TryAdd(list[i], i))
            {
                throw new ArgumentException(
                    $"Each parameter may be listed once, but parameter {i.ToString(CultureInfo.InvariantCulture)} " +
                    $"({list[i]}) appears more than once: it is parameter " +
                    $"{firstIndex[list[i]].ToString(CultureInfo.InvariantCulture)} again.", parameterName);
            }
        }
        return list;
    }

    /// <summary>Requires <paramref name="value"/> in <c>[min, max]</c> (<c>max = double.MaxValue</c> reads as ∞).</summary>
    public static void InRange(double value, double min, double max, string name)
    {
        if (!(value >= min && value <= max))
        {
            throw new ArgumentOutOfRangeException(name, value,
                $"{name} must lie in [{min.ToString(CultureInfo.InvariantCulture)}, " +
                $"{(max == double.MaxValue ? "∞)" : max.ToString(CultureInfo.InvariantCulture) + "]")}, but was " +
                $"{value.ToString(CultureInfo.InvariantCulture)}.");
        }
    }

    /// <summary>Requires <paramref name="value"/> in <c>[0, 1)</c>, as PyTorch requires of Adam's betas.</summary>
    public static void Beta(double value, string name)
    {
        if (!(value >= 0.0 && value < 1.0))
        {
            throw new ArgumentOutOfRangeException(name, value,
                $"{name} must lie in [0, 1), but was {value.ToString(CultureInfo.InvariantCulture)}.");
        }
    }

    /// <summary>A number as the hyper-parameter metadata shows it: round-trip, invariant culture.</summary>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
