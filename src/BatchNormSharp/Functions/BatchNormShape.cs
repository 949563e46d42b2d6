using System.Globalization;

namespace BatchNormSharp;

/// <summary>
/// The shape of a BatchNorm input as <c>torch.nn.BatchNorm1d</c> sees it: <c>[N, C]</c> (<see cref="Length"/> = 1) or
/// <c>[N, C, L]</c>, element <c>(n, c, l)</c> at <c>n·C·L + c·L + l</c>. Statistics are per feature <c>c</c>, over the
/// batch and the length together: <see cref="Count"/> = N·L values each.
/// </summary>
internal readonly record struct BatchNormShape
{
    /// <summary>A shape of <paramref name="batch"/> × <paramref name="features"/> × <paramref name="length"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is below 1, or the element count exceeds
    /// <see cref="int.MaxValue"/>.</exception>
    public BatchNormShape(int batch, int features, int length = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        long elements = (long)batch * features * length;
        if (elements > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), string.Create(CultureInfo.InvariantCulture,
                $"A BatchNorm input of [{batch}, {features}, {length}] = {elements} values does not fit in one span " +
                $"(at most {int.MaxValue}); use smaller batches."));
        }
        Batch = batch;
        Features = features;
        Length = length;
    }

    /// <summary>N, the number of samples.</summary>
    public int Batch { get; }

    /// <summary>C, the number of features (channels), each normalised on its own.</summary>
    public int Features { get; }

    /// <summary>L, the length of each sample's feature (1 for a <c>[N, C]</c> input).</summary>
    public int Length { get; }

    /// <summary>N·L: the values each feature's statistics are taken over.</summary>
    public int Count => Batch * Length;

    /// <summary>N·C·L: the values of the whole input.</summary>
    public int Elements => Batch * Features * Length;

    /// <summary>The input's memory in bytes: the measure of whether splitting a call pays.</summary>
    public long Bytes => (long)Elements * sizeof(double);

    /// <inheritdoc/>
    public override string ToString() => Length == 1
        ? string.Create(CultureInfo.InvariantCulture, $"[{Batch}, {Features}]")
        : string.Create(CultureInfo.InvariantCulture, $"[{Batch}, {Features}, {Length}]");
}
