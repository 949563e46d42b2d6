namespace BatchNormSharp;

/// <summary>
/// Two disjoint sets of row indices that together cover every row once: the rows to train on and the rows held out
/// (a test set or a validation set), each in ascending order.
/// </summary>
/// <remarks>Made by <see cref="DataSplit"/>. The indices are positions in the data that was split (0-based), so that
/// <c>inputs.SelectRows(split.Train)</c>-style code and a data set's own row numbers stay in step.</remarks>
public sealed class RowSplit
{
    private readonly int[] _train;
    private readonly int[] _heldOut;

    internal RowSplit(int[] train, int[] heldOut)
    {
        _train = train;
        _heldOut = heldOut;
    }

    /// <summary>The rows to train on, ascending.</summary>
    public IReadOnlyList<int> Train => _train;

    /// <summary>The rows held out (test or validation), ascending.</summary>
    public IReadOnlyList<int> HeldOut => _heldOut;

    /// <summary>Copies the rows (entries of the first dimension) of <paramref name="source"/> listed in
    /// <paramref name="rows"/>, in that order: rows of a <c>[rows, features]</c> batch, targets of a <c>[rows]</c>
    /// vector, sequences of a <c>[rows, time, features]</c> tensor.</summary>
    /// <param name="source">A tensor of rank 1 or more, rows first.</param>
    /// <param name="rows">Row indices of <paramref name="source"/>, e.g. <see cref="Train"/> or <see cref="HeldOut"/>.</param>
    /// <returns>A new tensor of the source's shape with <c>rows.Count</c> rows.</returns>
    /// <exception cref="ArgumentException"><paramref name="source"/> is a scalar.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index lies outside the tensor's rows.</exception>
    public static Tensor SelectRows(Tensor source, IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(rows);
        if (source.Rank == 0)
        {
            throw new ArgumentException(
                $"Expected a tensor with rows (rank 1 or more) to select rows from, but got {source}.", nameof(source));
        }
        int count = source.Shape[0], width = count == 0 ? 0 : source.Length / count;
        for (int k = 0; k < rows.Count; k++)
        {
            if ((uint)rows[k] >= (uint)count)
            {
                throw new ArgumentOutOfRangeException(nameof(rows), rows[k],
                    $"Row index {rows[k]} (position {k}) lies outside the tensor's {count} rows; indices are 0-based.");
            }
        }
        int[] shape = source.Shape.ToArray();
        shape[0] = rows.Count;
        var result = Tensor.Zeros(shape);
        ReadOnlySpan<double> from = source.AsReadOnlySpan();
        Span<double> to = result.AsSpan();
        for (int k = 0; k < rows.Count; k++)
        {
            from.Slice(rows[k] * width, width).CopyTo(to.Slice(k * width, width));
        }
        return result;
    }

    /// <summary>Picks the entries of <paramref name="values"/> listed in <paramref name="rows"/>, in that order.</summary>
    /// <typeparam name="T">The element type (labels, targets).</typeparam>
    /// <param name="values">One value per row.</param>
    /// <param name="rows">Row indices, e.g. <see cref="Train"/> or <see cref="HeldOut"/>.</param>
    /// <returns>A new array of <c>rows.Count</c> values.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An index lies outside <paramref name="values"/>.</exception>
    public static T[] SelectRows<T>(IReadOnlyList<T> values, IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(rows);
        var result = new T[rows.Count];
        for (int k = 0; k < rows.Count; k++)
        {
            if ((uint)rows[k] >= (uint)values.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(rows), rows[k],
                    $"Row index {rows[k]} (position {k}) lies outside the {values.Count} values; indices are 0-based.");
            }
            result[k] = values[rows[k]];
        }
        return result;
    }
}
