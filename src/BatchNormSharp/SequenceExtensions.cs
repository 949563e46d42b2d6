using System.Globalization;

namespace BatchNormSharp;

/// <summary>
/// Views into sequences and batches without copying: a time step of a <c>[batch, time, features]</c> tensor (the
/// layout of PyTorch's <c>batch_first=True</c>), or a feature column of a <c>[rows, features]</c> batch.
/// </summary>
public static class SequenceExtensions
{
    /// <summary>Time step <paramref name="step"/> of a <c>[batch, time, features]</c> sequence: <c>batch</c> rows of
    /// <c>features</c> values, <c>time · features</c> apart.</summary>
    /// <param name="sequence">A rank-3 tensor, batch first.</param>
    /// <param name="step">Zero-based, less than the time dimension.</param>
    /// <returns>The view; writes go to <paramref name="sequence"/>.</returns>
    /// <exception cref="ArgumentException">The tensor is not rank 3.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The step lies outside the sequence.</exception>
    public static TensorRows TimeStep(this Tensor sequence, int step)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        if (sequence.Rank != 3)
        {
            throw new ArgumentException(
                $"Expected a sequence of shape [batch, time, features], but got {Tensor.FormatShape(sequence.Shape)}.",
                nameof(sequence));
        }
        int batch = sequence.Shape[0], time = sequence.Shape[1], features = sequence.Shape[2];
        RequireIndex(step, time, nameof(step), "time step");
        int stride = time * features;
        int length = batch == 0 ? 0 : ((batch - 1) * stride) + features;
        return new TensorRows(sequence.AsSpan().Slice(step * features, length), batch, features, stride);
    }

    /// <summary>Column <paramref name="feature"/> of a <c>[rows, features]</c> batch: <c>rows</c> rows of one value.</summary>
    /// <param name="batch">A rank-2 tensor.</param>
    /// <param name="feature">Zero-based, less than the feature count.</param>
    /// <returns>The view; writes go to <paramref name="batch"/>.</returns>
    /// <exception cref="ArgumentException">The tensor is not rank 2.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The feature lies outside the batch.</exception>
    public static TensorRows FeatureColumn(this Tensor batch, int feature)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Rank != 2)
        {
            throw new ArgumentException(
                $"Expected a batch of shape [rows, features], but got {Tensor.FormatShape(batch.Shape)}.", nameof(batch));
        }
        int rows = batch.Shape[0], features = batch.Shape[1];
        RequireIndex(feature, features, nameof(feature), "feature");
        int length = rows == 0 ? 0 : ((rows - 1) * features) + 1;
        return new TensorRows(batch.AsSpan().Slice(feature, length), rows, 1, features);
    }

    private static void RequireIndex(int index, int count, string parameterName, string what)
    {
        if ((uint)index >= (uint)count)
        {
            throw new ArgumentOutOfRangeException(parameterName, index, string.Create(CultureInfo.InvariantCulture,
                $"Expected a {what} in [0, {count}), but got {index}."));
        }
    }
}
