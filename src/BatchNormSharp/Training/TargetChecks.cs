using System.Globalization;

namespace BatchNormSharp;

/// <summary>
/// Checks targets against the task of the loss and the shape of the model's output before anything trains, with
/// messages that say what was expected, what came and what to do.
/// </summary>
internal static class TargetChecks
{
    /// <summary>Class indices as the <see cref="double"/> targets every loss takes.</summary>
    public static Tensor FromLabels(IReadOnlyList<int>? labels, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(labels, parameterName);
        var targets = Tensor.Zeros(labels.Count);
        Span<double> values = targets.AsSpan();
        for (int i = 0; i < labels.Count; i++)
        {
            values[i] = labels[i];
        }
        return targets;
    }

    /// <summary>Requires targets that the loss of <paramref name="task"/> can score against outputs of
    /// <paramref name="outputShape"/>.</summary>
    public static void Require(LossTask task, Tensor? targets, int rows, int[] outputShape, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(targets, parameterName);
        if (task == LossTask.MultiClass && targets.Rank == 1 && targets.Shape[0] != rows)
        {
            throw new ArgumentException(
                $"Expected one label per input row ({Format(rows)}), but got {Format(targets.Shape[0])} labels in " +
                $"{parameterName}.", parameterName);
        }
        if (targets.Rank == 0 || targets.Shape[0] != rows)
        {
            throw new ArgumentException(
                $"Expected one target row per input row ({Format(rows)}), but got targets of shape " +
                $"{Tensor.FormatShape(targets.Shape)} in {parameterName}.", parameterName);
        }
        int outputs = (int)(Shapes.Count(outputShape) / Math.Max(1, outputShape[0]));
        if (task == LossTask.MultiClass)
        {
            RequireShape(targets, rows, 1, $"[{Format(rows)}] of class indices", parameterName);
            var labels = new int[rows];
            ReadOnlySpan<double> values = targets.AsReadOnlySpan();
            for (int i = 0; i < rows; i++)
            {
                if (Math.Floor(values[i]) != values[i] || Math.Abs(values[i]) > int.MaxValue)
                {
                    throw new ArgumentException(
                        $"Class-index targets must be whole numbers, but {parameterName}[{Format(i)}] is " +
                        $"{values[i].ToString(CultureInfo.InvariantCulture)}.", parameterName);
                }
                labels[i] = (int)values[i];
            }
            DataChecks.Labels(labels, rows, outputs, parameterName);
            return;
        }
        RequireShape(targets, rows, outputs, Tensor.FormatShape(outputShape) + " (the model's output)", parameterName);
        DataChecks.RequireFinite(targets, parameterName);
        if (task == LossTask.Binary)
        {
            ReadOnlySpan<double> values = targets.AsReadOnlySpan();
            int bad = values.IndexOfAnyExceptInRange(0.0, 1.0);
            if (bad >= 0)
            {
                throw new ArgumentException(
                    $"Binary targets must lie in [0, 1] (1 for the positive class), but {parameterName} holds " +
                    $"{values[bad].ToString(CultureInfo.InvariantCulture)} at position {Format(bad)}." +
                    (values.Contains(-1.0) ? " The targets look like -1/+1: map -1 to 0." : ""), parameterName);
            }
        }
    }

    /// <summary>Targets of <c>[rows]</c> or <c>[rows, width]</c> (or the same number of values per row in any shape
    /// whose first dimension is the rows).</summary>
    private static void RequireShape(Tensor targets, int rows, int width, string expected, string parameterName)
    {
        if (targets.Length != (long)rows * width || (width == 1 && targets.Rank > 2))
        {
            throw new ArgumentException(
                $"Expected targets of shape {expected}, but got {Tensor.FormatShape(targets.Shape)} in " +
                $"{parameterName}.", parameterName);
        }
    }

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);
}
