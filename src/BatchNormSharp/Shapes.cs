using System.Globalization;

namespace BatchNormSharp;

/// <summary>
/// Shape rules the layers share: "rows of features" inputs of any rank (the last dimension is the feature
/// dimension, every dimension before it counts rows, as for PyTorch's <c>nn.Linear</c>), with messages that say what
/// was expected and what came.
/// </summary>
internal static class Shapes
{
    /// <summary>
    /// Requires a non-empty input of rank 2 or more whose last dimension is <paramref name="features"/> (any width when
    /// it is <see langword="null"/>), and returns the number of rows: the product of the other dimensions.
    /// </summary>
    public static int RequireRowsOf(ReadOnlySpan<int> shape, int? features, Layer layer)
    {
        if (shape.Length < 2 || (features is { } width && shape[^1] != width))
        {
            string expected = features is { } f
                ? $"[batch, {f.ToString(CultureInfo.InvariantCulture)}] (or [batch, ..., {f.ToString(CultureInfo.InvariantCulture)}])"
                : "[batch, features]";
            throw new ArgumentException(
                $"{layer} expects input of shape {expected}, but got {Tensor.FormatShape(shape)}.", nameof(shape));
        }
        long rows = 1;
        foreach (int dimension in shape[..^1])
        {
            rows *= dimension;
        }
        if (rows == 0 || shape[^1] == 0)
        {
            throw new ArgumentException(
                $"{layer} expects a batch of at least one row, but got shape {Tensor.FormatShape(shape)}.", nameof(shape));
        }
        if (rows * shape[^1] > Array.MaxLength)
        {
            throw new ArgumentException(
                $"{layer} got shape {Tensor.FormatShape(shape)}, more values than one array holds ({Array.MaxLength}): " +
                "split the batch.", nameof(shape));
        }
        return (int)rows;
    }

    /// <summary><paramref name="shape"/> with its last dimension replaced by <paramref name="features"/>.</summary>
    public static int[] WithFeatures(ReadOnlySpan<int> shape, int features)
    {
        int[] result = shape.ToArray();
        result[^1] = features;
        return result;
    }

    /// <summary>The number of values a shape holds.</summary>
    public static long Count(ReadOnlySpan<int> shape)
    {
        long count = 1;
        foreach (int dimension in shape)
        {
            count *= dimension;
        }
        return count;
    }

    /// <summary>
    /// The width of <paramref name="model"/>'s output for rows of <paramref name="inputFeatures"/> features, worked
    /// out from the layers' shapes without running the model; a layer that does not fit is reported against
    /// <paramref name="parameterName"/>.
    /// </summary>
    public static int OutputFeatures(Layer model, int inputFeatures, string parameterName, int rows = 2)
    {
        try
        {
            // At least two rows: a width question, not a batch-size one (a batch of one is judged where batches are
            // made).
            return model.OutputShape([Math.Max(2, rows), inputFeatures], ForwardMode.Inference)[^1];
        }
        catch (ArgumentException error) when (error.ParamName != parameterName)
        {
            throw new ArgumentException(MessageOf(error), parameterName, error);
        }
    }

    /// <summary>An exception's message without the " (Parameter '...')" that <see cref="ArgumentException"/> appends.</summary>
    public static string MessageOf(ArgumentException error)
    {
        string message = error.Message;
        string suffix = $" (Parameter '{error.ParamName}')";
        return error.ParamName is not null && message.EndsWith(suffix, StringComparison.Ordinal)
            ? message[..^suffix.Length]
            : message;
    }
}
