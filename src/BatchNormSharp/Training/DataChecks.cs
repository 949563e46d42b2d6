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
    public static int? Inputs(Layer model, Tensor? inputs, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs, parameterName);
        if (inputs.Rank != 2 || inputs.Length == 0)
        {
            throw new ArgumentException(
                $"Expected {parameterName} of shape [rows, features] with at least one row, but got " +
                $"{Tensor.FormatShape(inputs.Shape)}.", parameterName);
        }
        return Shapes.OutputFeatures(model, inputs.Shape[1], parameterName, inputs.Shape[0]);
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

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);
}
