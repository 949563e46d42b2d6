using System.Globalization;

namespace BatchNormSharp;

/// <summary>Argument checks shared by the layers, with messages that name what was expected and what came.</summary>
internal static class Guard
{
    /// <summary>Requires a rank-2 batch whose second dimension is <paramref name="features"/>.</summary>
    public static void Batch(Tensor input, int features, string layer, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(input, parameterName);
        if (input.Rank != 2 || input.Shape[1] != features)
        {
            throw new ArgumentException(
                $"{layer} expects input of shape [batch, {features.ToString(CultureInfo.InvariantCulture)}], " +
                $"but got {Tensor.FormatShape(input.Shape)}.", parameterName);
        }
        if (input.Shape[0] == 0)
        {
            throw new ArgumentException(
                $"{layer} expects a batch of at least one row, but got an empty batch of shape " +
                $"{Tensor.FormatShape(input.Shape)}.", parameterName);
        }
    }

    /// <summary>Requires a non-empty rank-2 batch of any width.</summary>
    public static void Batch(Tensor input, string layer, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(input, parameterName);
        if (input.Rank != 2 || input.Length == 0)
        {
            throw new ArgumentException(
                $"{layer} expects a non-empty input of shape [batch, features], but got " +
                $"{Tensor.FormatShape(input.Shape)}.", parameterName);
        }
    }

    /// <summary>
    /// The error for a batch of one row that a BatchNorm would normalise with its own statistics (PyTorch's "Expected
    /// more than 1 value per channel when training").
    /// </summary>
    /// <param name="receiver">Who got the batch, e.g. <c>got</c> or <c>the model got</c>.</param>
    /// <param name="shape">The shape of the batch.</param>
    /// <param name="parameterName">The argument that carried it.</param>
    public static ArgumentException SingleRowBatch(string receiver, ReadOnlySpan<int> shape, string parameterName) => new(
        "BatchNorm expected more than 1 value per feature when using batch statistics (training mode), but " +
        $"{receiver} input of shape {Tensor.FormatShape(shape)}. Train with batches of at least 2 rows, or use " +
        "ForwardMode.Inference to apply the running statistics.", parameterName);

    /// <summary>The error for a backward pass that has no forward pass to go back through.</summary>
    public static InvalidOperationException NoForward(string layer) => new(
        $"{layer}.Backward was called without a forward pass to go back through: call Forward(input, mode) on this " +
        "layer first, then Backward once.");

    /// <summary>Requires a state-dict name of one level: not empty, without the dots that containers put between levels.</summary>
    public static void StateName(string name, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(name, parameterName);
        if (name.Length == 0 || name.Contains('.', StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"Expected a state-dict name of one level, not empty and without dots (e.g. \"weight\"), but got \"{name}\".",
                parameterName);
        }
    }

    /// <summary>Requires a strictly positive count, such as a number of features.</summary>
    public static void Positive(int value, string parameterName)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(parameterName, value,
                $"{parameterName} must be at least 1, but was {value.ToString(CultureInfo.InvariantCulture)}.");
        }
    }
}
