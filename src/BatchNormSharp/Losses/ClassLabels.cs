using System.Globalization;

namespace BatchNormSharp;

/// <summary>
/// The checks on class-index labels, shared by every form they come in (an <see cref="int"/> span, a tensor of whole
/// numbers), with the hint for labels that look 1-based.
/// </summary>
internal static class ClassLabels
{
    /// <summary>Requires one label per row, each in <c>[0, classes)</c>.</summary>
    public static void Validate(ReadOnlySpan<int> labels, int rows, int classes, string parameterName)
    {
        if (labels.Length != rows)
        {
            throw new ArgumentException(
                $"Expected one label per row ({Text(rows)}), but got {Text(labels.Length)} labels.", parameterName);
        }
        int min = int.MaxValue, max = int.MinValue;
        foreach (int label in labels)
        {
            min = Math.Min(min, label);
            max = Math.Max(max, label);
        }
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classes)
            {
                throw new ArgumentException(
                    $"Labels must lie in [0, {Text(classes)}) for {Text(classes)} classes, but label {Text(i)} is " +
                    $"{Text(labels[i])}.{OneBasedHint(min, max, classes)}", parameterName);
            }
        }
    }

    /// <summary>
    /// Checks a tensor of class indices (<c>[batch]</c> or <c>[batch, 1]</c>, whole numbers in <c>[0, classes)</c>) and
    /// writes them to <paramref name="destination"/>; nothing is written unless every check passes.
    /// </summary>
    public static void FromTensor(Tensor targets, int rows, int classes, Span<int> destination, string loss,
        string parameterName)
    {
        ArgumentNullException.ThrowIfNull(targets, parameterName);
        bool shapeFits = (targets.Rank == 1 && targets.Shape[0] == rows) ||
                         (targets.Rank == 2 && targets.Shape[0] == rows && targets.Shape[1] == 1);
        if (!shapeFits)
        {
            throw new ArgumentException(
                $"{loss} expects class-index targets of shape [{Text(rows)}] (one class per row), but got " +
                $"{Tensor.FormatShape(targets.Shape)}. One-hot targets must be turned into indices (the arg-max of each " +
                "row) first.", parameterName);
        }
        ReadOnlySpan<double> values = targets.AsReadOnlySpan();
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]) || Math.Floor(values[i]) != values[i])
            {
                throw new ArgumentException(
                    $"{loss} expects class indices (whole numbers in [0, {Text(classes)})), but target {Text(i)} is " +
                    $"{values[i].ToString("R", CultureInfo.InvariantCulture)}. Remove rows with missing labels and " +
                    "map the classes to 0, 1, ….", parameterName);
            }
            min = Math.Min(min, values[i]);
            max = Math.Max(max, values[i]);
        }
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] < 0 || values[i] >= classes)
            {
                throw new ArgumentException(
                    $"Labels must lie in [0, {Text(classes)}) for {Text(classes)} classes, but label {Text(i)} is " +
                    $"{values[i].ToString("R", CultureInfo.InvariantCulture)}." +
                    OneBasedHint(min, max, classes), parameterName);
            }
        }
        for (int i = 0; i < values.Length; i++)
        {
            destination[i] = (int)values[i];
        }
    }

    /// <summary>The sentence for labels running from 1 to the class count: they look 1-based (issue 12).</summary>
    private static string OneBasedHint(double min, double max, int classes) => min == 1 && max == classes
        ? $" The labels run from {Text(1)} to {Text(classes)}: they look 1-based. Subtract 1 from every label " +
          $"so that they run from 0 to {Text(classes - 1)}."
        : "";

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
