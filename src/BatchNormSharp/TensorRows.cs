using System.Globalization;

namespace BatchNormSharp;

/// <summary>
/// A view of equally spaced rows of a tensor's storage, without a copy: one time step of a <c>[batch, time,
/// features]</c> sequence (<see cref="SequenceExtensions.TimeStep"/>) or one column of a <c>[rows, features]</c> batch
/// (<see cref="SequenceExtensions.FeatureColumn"/>). Row <c>i</c> is the <see cref="Width"/> values that start
/// <c>i · Stride</c> values after the first.
/// </summary>
/// <remarks>Like a <see cref="Span{T}"/>, it lives on the stack and writes go straight to the tensor.</remarks>
public readonly ref struct TensorRows
{
    private readonly Span<double> _values;

    internal TensorRows(Span<double> values, int count, int width, int stride)
    {
        _values = values;
        Count = count;
        Width = width;
        Stride = stride;
    }

    /// <summary>The number of rows (the batch size, for a time step).</summary>
    public int Count { get; }

    /// <summary>The number of values in each row (the features, for a time step; 1 for a column).</summary>
    public int Width { get; }

    /// <summary>The distance, in values, from the start of one row to the start of the next.</summary>
    public int Stride { get; }

    /// <summary>Row <paramref name="row"/>, a span over the tensor's own storage.</summary>
    /// <param name="row">Zero-based, less than <see cref="Count"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The row lies outside the view.</exception>
    public Span<double> this[int row]
    {
        get
        {
            if ((uint)row >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(row), row, string.Create(CultureInfo.InvariantCulture,
                    $"Expected a row in [0, {Count}), but got {row}."));
            }
            return _values.Slice(row * Stride, Width);
        }
    }

    /// <summary>Copies the rows, packed one after another, into <paramref name="destination"/>.</summary>
    /// <param name="destination">At least <c>Count · Width</c> values.</param>
    /// <exception cref="ArgumentException">The destination is too short.</exception>
    public void CopyTo(Span<double> destination)
    {
        RequireLength(destination.Length, nameof(destination));
        for (int i = 0; i < Count; i++)
        {
            _values.Slice(i * Stride, Width).CopyTo(destination.Slice(i * Width, Width));
        }
    }

    /// <summary>Writes packed rows from <paramref name="source"/> into the viewed rows of the tensor.</summary>
    /// <param name="source">At least <c>Count · Width</c> values, row after row.</param>
    /// <exception cref="ArgumentException">The source is too short.</exception>
    public void CopyFrom(ReadOnlySpan<double> source)
    {
        RequireLength(source.Length, nameof(source));
        for (int i = 0; i < Count; i++)
        {
            source.Slice(i * Width, Width).CopyTo(_values.Slice(i * Stride, Width));
        }
    }

    /// <summary>The rows as a new <c>[Count, Width]</c> tensor.</summary>
    /// <returns>A copy.</returns>
    public Tensor ToTensor()
    {
        var tensor = Tensor.Zeros(Count, Width);
        CopyTo(tensor.AsSpan());
        return tensor;
    }

    private void RequireLength(int length, string parameterName)
    {
        if (length < Count * Width)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Expected room for {Count} rows of {Width} values ({Count * Width}), but got {length}."), parameterName);
        }
    }
}
