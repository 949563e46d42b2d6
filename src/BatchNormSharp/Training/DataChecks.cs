using System.Globalization;

namespace BatchNormSharp;

/// <summary>
/// Checks a data set against a model before any batch runs, so that a bad row count, width or label is reported up
/// front and not half-way through an epoch.
/// </summary>
internal static class DataChecks
{
    /// <summary>
    /// Requires a non-empty <c>[rows, features]</c> input that fits <paramref name="model"/>; returns the model's
    /// output width (the class count), or <see langword="null"/> when a layer of unknown type hides it.
    /// </summary>
    public static int? Inputs(ILayer model, Tensor? inputs, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs, parameterName);
        if (inputs.Rank != 2 || inputs.Length == 0)
        {
            throw new ArgumentException(
                $"Expected {parameterName} of shape [rows, features] with at least one row, but got " +
                $"{Tensor.FormatShape(inputs.Shape)}.", parameterName);
        }
        return ShapeInference.OutputFeatures(model, inputs.Shape[1], parameterName);
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
                    $"but {parameterName}[{Format(i)}] is {Format(copy[i])}.", parameterName);
            }
        }
        return copy;
    }

    /// <summary>Requires a batch size that lets every batch reach a model that normalises with batch statistics.</summary>
    public static void BatchSize(ILayer model, int batchSize, ForwardMode mode, string parameterName)
    {
        if (batchSize < 1)
        {
            throw new ArgumentOutOfRangeException(parameterName, batchSize,
                $"The batch size must be at least 1, but was {Format(batchSize)}.");
        }
        if (batchSize < 2 && ShapeInference.UsesBatchStatistics(model, mode))
        {
            throw new ArgumentOutOfRangeException(parameterName, batchSize,
                "The model has a BatchNorm that normalises with batch statistics, which needs at least 2 rows per " +
                $"batch, but the batch size is {Format(batchSize)}.");
        }
    }

    /// <summary>
    /// Requires that a batch of <paramref name="batchSize"/> rows (or all <paramref name="rows"/>, if fewer) fits in an
    /// array at every layer of <paramref name="model"/>, and that <paramref name="outputs"/> values per row fit for all
    /// rows when the caller keeps them (Predict's probabilities): checked before any batch runs, so that an oversized
    /// batch is refused with advice and never reaches a kernel with lengths that wrapped around.
    /// </summary>
    public static void BatchFits(ILayer model, int features, int rows, int batchSize, int? outputs,
        string parameterName, string inputsName = "inputs")
    {
        int batchRows = Math.Min(batchSize, rows);
        if (ShapeInference.WidestFeatures(model, features) is { } widest && (long)batchRows * widest > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(parameterName, batchSize,
                $"A batch of {Format(batchRows)} rows needs {((long)batchRows * widest).ToString(CultureInfo.InvariantCulture)} " +
                $"values at the model's widest layer ({Format(widest)} features), more than an array holds " +
                $"({Format(Array.MaxLength)}). Choose a batch size of at most {Format(Array.MaxLength / widest)}.");
        }
        if (outputs is { } perRow && (long)rows * perRow > Array.MaxLength)
        {
            throw new ArgumentException(
                $"The result for {Format(rows)} rows of {Format(perRow)} outputs needs " +
                $"{((long)rows * perRow).ToString(CultureInfo.InvariantCulture)} values, more than an array holds " +
                $"({Format(Array.MaxLength)}). Pass at most {Format(Array.MaxLength / perRow)} rows per call.",
                inputsName);
        }
    }

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);
}
