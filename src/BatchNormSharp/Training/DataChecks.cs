using System.Globalization;

namespace BatchNormSharp;

/// <summary>
/// Checks a data set against a model before any batch runs, so that a bad row count, width or label is reported up
/// front and not half-way through an epoch.
/// </summary>
internal static class DataChecks
{
    /// <summary>
    /// Requires a non-empty input, batch first (<c>[rows, features]</c>, or <c>[rows, time, features]</c> for a
    /// recurrent model), that fits <paramref name="model"/>; returns the number of outputs per row (the class count of
    /// a classifier).
    /// </summary>
    public static int Inputs(Layer model, Tensor? inputs, string parameterName)
    {
        int[] shape = OutputShape(model, inputs, parameterName);
        return (int)(Shapes.Count(shape) / shape[0]);
    }

    /// <summary>The model's output shape for a batch of these inputs (at most 1024 rows: a question of widths, not of
    /// how many rows fit in memory at once).</summary>
    public static int[] OutputShape(Layer model, Tensor? inputs, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs, parameterName);
        if (inputs.Rank < 2 || inputs.Length == 0)
        {
            throw new ArgumentException(
                $"Expected {parameterName} of shape [rows, features] (or [rows, time, features]) with at least one " +
                $"row, but got {Tensor.FormatShape(inputs.Shape)}.", parameterName);
        }
        int[] probe = inputs.Shape.ToArray();
        probe[0] = Math.Clamp(probe[0], 2, 1024);
        try
        {
            return model.OutputShape(probe, ForwardMode.Inference);
        }
        catch (ArgumentException error) when (error.ParamName != parameterName)
        {
            throw new ArgumentException(Shapes.MessageOf(error), parameterName, error);
        }
    }

    /// <summary>Requires one label per row, each a class the model can output.</summary>
    public static int[] Labels(IReadOnlyList<int>? labels, int rows, int? classes, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(labels, parameterName);
        if (labels.Count != rows)
        {
            throw new ArgumentException(
                $"Expected one label per input row ({Format(rows)}), but got {Format(labels.Count)} labels in " +
                $"{parameterName}.", parameterName);
        }
        int[] copy = [.. labels];
        for (int i = 0; i < copy.Length; i++)
        {
            if (copy[i] < 0 || copy[i] >= (classes ?? int.MaxValue))
            {
                string range = classes is { } count ? $"[0, {Format(count)})" : "[0, classes)";
                throw new ArgumentException(
                    $"Labels must lie in {range} for a model with {(classes is { } c ? Format(c) : "its")} outputs, " +
                    $"but {parameterName}[{Format(i)}] is {Format(copy[i])}.{OneBasedHint(copy, classes)}",
                    parameterName);
            }
        }
        return copy;
    }

    /// <summary>Requires a batch size that lets every batch reach a model that normalises with batch statistics.</summary>
    public static void BatchSize(Layer model, int batchSize, ForwardMode mode, string parameterName)
    {
        if (batchSize < 1)
        {
            throw new ArgumentOutOfRangeException(parameterName, batchSize,
                $"The batch size must be at least 1, but was {Format(batchSize)}.");
        }
        if (batchSize < 2 && model.UsesBatchStatistics(mode))
        {
            throw new ArgumentOutOfRangeException(parameterName, batchSize,
                "The model has a BatchNorm that normalises with batch statistics, which needs at least 2 rows per " +
                $"batch, but the batch size is {Format(batchSize)}.");
        }
    }

    /// <summary>
    /// Requires every value of <paramref name="inputs"/> to be finite: one NaN would turn the loss into NaN and stop
    /// training with nothing learned. Names the first bad row and column.
    /// </summary>
    public static void RequireFinite(Tensor inputs, string parameterName)
    {
        ReadOnlySpan<double> values = inputs.AsReadOnlySpan();
        int bad = values.IndexOfAnyExceptInRange(double.MinValue, double.MaxValue);
        if (bad < 0)
        {
            return;
        }
        int width = inputs.Rank >= 2 ? inputs.Shape[^1] : 1;
        throw new ArgumentException(
            $"Expected finite values in {parameterName}, but row {Format(bad / width)}, column {Format(bad % width)} " +
            $"holds {values[bad].ToString(CultureInfo.InvariantCulture)}. Remove or impute missing values before " +
            "training (a NaN makes every loss NaN).", parameterName);
    }

    /// <summary>A hint for labels 1..K given to a model with K outputs, the commonest off-by-one.</summary>
    private static string OneBasedHint(int[] labels, int? classes) =>
        classes is { } count && labels.Length > 0 && labels.Min() == 1 && labels.Max() == count
            ? $" The labels run from 1 to {Format(count)}: they look 1-based. Subtract 1 from each (class indices start at 0)."
            : string.Empty;

    /// <summary>
    /// Requires that <paramref name="outputs"/> values for each of <paramref name="rows"/> rows fit in one array (what
    /// Predict returns): checked before any batch runs, with advice, instead of failing after the work is done.
    /// </summary>
    public static void ResultFits(int rows, int? outputs, string parameterName)
    {
        if (outputs is { } perRow && (long)rows * perRow > Array.MaxLength)
        {
            throw new ArgumentException(
                $"The result for {Format(rows)} rows of {Format(perRow)} outputs needs " +
                $"{((long)rows * perRow).ToString(CultureInfo.InvariantCulture)} values, more than an array holds " +
                $"({Format(Array.MaxLength)}). Pass at most {Format(Array.MaxLength / perRow)} rows per call.",
                parameterName);
        }
    }

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);
}
