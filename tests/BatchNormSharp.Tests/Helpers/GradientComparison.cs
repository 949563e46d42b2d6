using System.Globalization;

namespace BatchNormSharp.Tests;

/// <summary>The outcome of a gradient check for one tensor: its worst entry and how wrong that entry is.</summary>
/// <param name="Name">The tensor, <c>input</c> or a parameter's name.</param>
/// <param name="WorstError">The largest <see cref="GradientChecker.RelativeError"/> over the tensor's entries.</param>
/// <param name="WorstIndex">The row-major index of that entry.</param>
/// <param name="Analytic">The backward pass's value there.</param>
/// <param name="Numeric">The finite-difference value there.</param>
/// <param name="Floor">The absolute floor used for entries near zero.</param>
/// <param name="Shape">The tensor's shape, to turn the index into coordinates.</param>
internal sealed record GradientComparison(
    string Name, double WorstError, int WorstIndex, double Analytic, double Numeric, double Floor, int[] Shape)
{
    /// <summary>The worst entry's coordinates, e.g. <c>[3, 1]</c>.</summary>
    public string WorstPosition => Shape.Length == 2 && Shape[1] > 0
        ? string.Create(CultureInfo.InvariantCulture, $"[{WorstIndex / Shape[1]}, {WorstIndex % Shape[1]}]")
        : string.Create(CultureInfo.InvariantCulture, $"[{WorstIndex}]");

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"dL/d{Name}: worst relative error {WorstError:E2} at {WorstPosition}: analytic {Analytic:R}, numeric {Numeric:R} (floor {Floor:E1})");
}
