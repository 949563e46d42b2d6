using System.Globalization;
using MathNet.Numerics.LinearAlgebra;

namespace BatchNormSharp;

/// <summary>
/// A dense tensor of <see cref="double"/> values with an immutable shape and contiguous row-major storage.
/// </summary>
/// <remarks>
/// <para>The shape never changes after construction; the values may be read and written through
/// <see cref="AsSpan"/> and the indexers. A batch of samples is a rank-2 tensor of shape
/// <c>[batch, features]</c>, as in PyTorch's <c>BatchNorm1d</c> and <c>Linear</c>.</para>
/// <para>Layers return tensors they own and reuse between calls of the same shape, so that a training step does
/// not allocate: a layer's output stays valid until that layer's next <c>Forward</c>. Call <see cref="Clone"/>
/// to keep a copy.</para>
/// </remarks>
public sealed class Tensor
{
    private readonly double[] _values;
    private readonly int[] _shape;

    private Tensor(double[] values, int[] shape)
    {
        // The one invariant every kernel relies on, checked for real (not a Debug.Assert, which Release drops): the
        // storage holds exactly the product of the shape. Kernels read spans by shape without bounds checks, so a
        // tensor whose shape promised more values than it holds would let them read or write past its array.
        int count = ElementCount(shape);
        if (values.Length != count)
        {
            throw new ArgumentException(
                $"Shape {FormatShape(shape)} holds {count.ToString(CultureInfo.InvariantCulture)} values, but the " +
                $"storage has {values.Length.ToString(CultureInfo.InvariantCulture)}.", nameof(values));
        }
        _values = values;
        _shape = shape;
    }

    /// <summary>The size of each dimension, outermost first. Empty for a scalar (rank 0).</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>The number of dimensions: 0 for a scalar, 1 for a vector, 2 for a batch of rows.</summary>
    public int Rank => _shape.Length;

    /// <summary>The number of elements (the product of the dimensions; 1 for a scalar).</summary>
    public int Length => _values.Length;

    /// <summary>Gets or sets the element at <paramref name="index"/> of a rank-1 tensor.</summary>
    /// <param name="index">The zero-based position.</param>
    /// <exception cref="InvalidOperationException">The tensor is not rank 1.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> lies outside the shape.</exception>
    public double this[int index]
    {
        get { RequireRank(1); return _values[CheckedIndex(index)]; }
        set { RequireRank(1); _values[CheckedIndex(index)] = value; }
    }

    /// <summary>Gets or sets the element at <paramref name="row"/>, <paramref name="column"/> of a rank-2 tensor.</summary>
    /// <param name="row">The zero-based row (sample) index.</param>
    /// <param name="column">The zero-based column (feature) index.</param>
    /// <exception cref="InvalidOperationException">The tensor is not rank 2.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index lies outside the shape.</exception>
    public double this[int row, int column]
    {
        get { RequireRank(2); return _values[FlatIndex(row, column)]; }
        set { RequireRank(2); _values[FlatIndex(row, column)] = value; }
    }

    /// <summary>Creates a tensor of the given shape filled with zeros.</summary>
    /// <param name="shape">The dimensions, each zero or more. No dimensions makes a scalar.</param>
    /// <returns>A new zero tensor.</returns>
    /// <exception cref="ArgumentException">A dimension is negative, or a dimension or the product of all exceeds
    /// <see cref="Array.MaxLength"/>.</exception>
    public static Tensor Zeros(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var copy = (int[])shape.Clone();
        return new Tensor(new double[ElementCount(copy)], copy);
    }

    /// <summary>Creates a tensor of the given shape with every element equal to <paramref name="value"/>.</summary>
    /// <param name="value">The value of every element.</param>
    /// <param name="shape">The dimensions, each zero or more.</param>
    /// <returns>A new tensor.</returns>
    public static Tensor Full(double value, params int[] shape)
    {
        var tensor = Zeros(shape);
        tensor.Fill(value);
        return tensor;
    }

    /// <summary>Creates a rank-1 tensor holding a copy of <paramref name="values"/>.</summary>
    /// <param name="values">The elements.</param>
    /// <returns>A new vector of length <c>values.Length</c>.</returns>
    public static Tensor FromArray(double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return FromSpan(values, values.Length);
    }

    /// <summary>Creates a rank-2 tensor holding a copy of <paramref name="values"/>.</summary>
    /// <param name="values">The elements, <c>[rows, columns]</c>.</param>
    /// <returns>A new tensor of shape <c>[rows, columns]</c>.</returns>
    public static Tensor FromArray(double[,] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int rows = values.GetLength(0), columns = values.GetLength(1);
        var tensor = Zeros(rows, columns);
        // An empty tensor may still have two billion rows: no loop over rows without a column to copy.
        for (int i = 0; i < (columns == 0 ? 0 : rows); i++)
        {
            for (int j = 0; j < columns; j++)
            {
                tensor._values[(i * columns) + j] = values[i, j];
            }
        }
        return tensor;
    }

    /// <summary>Creates a rank-2 tensor from equally long rows (a jagged array, as JSON and CSV readers give).</summary>
    /// <param name="rows">The rows; every row must have the same length.</param>
    /// <returns>A new tensor of shape <c>[rows.Length, rows[0].Length]</c>.</returns>
    /// <exception cref="ArgumentException">A row is <see langword="null"/>, or the rows differ in length.</exception>
    public static Tensor FromRows(IReadOnlyList<double[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        for (int i = 0; i < rows.Count; i++)
        {
            if (rows[i] is null)
            {
                throw new ArgumentException(
                    $"Expected {rows.Count.ToString(CultureInfo.InvariantCulture)} rows of values, but row " +
                    $"{i.ToString(CultureInfo.InvariantCulture)} is null. Pass an array for every row.", nameof(rows));
            }
        }
        int columns = rows.Count == 0 ? 0 : rows[0].Length;
        var tensor = Zeros(rows.Count, columns);
        for (int i = 0; i < rows.Count; i++)
        {
            if (rows[i].Length != columns)
            {
                throw new ArgumentException(
                    $"Every row must have {columns} values (the length of row 0), but row {i} has {rows[i].Length}.",
                    nameof(rows));
            }
            rows[i].CopyTo(tensor._values, i * columns);
        }
        return tensor;
    }

    /// <summary>Creates a tensor of the given shape holding a copy of <paramref name="values"/> in row-major order.</summary>
    /// <param name="values">The elements, row-major; the count must equal the product of the dimensions.</param>
    /// <param name="shape">The dimensions.</param>
    /// <returns>A new tensor.</returns>
    /// <exception cref="ArgumentException">The element count does not match the shape.</exception>
    public static Tensor FromSpan(ReadOnlySpan<double> values, params int[] shape)
    {
        var tensor = Zeros(shape);
        if (values.Length != tensor.Length)
        {
            throw new ArgumentException(
                $"Shape {FormatShape(shape)} holds {tensor.Length} values, but {values.Length} were given.",
                nameof(values));
        }
        values.CopyTo(tensor._values);
        return tensor;
    }

    /// <summary>Creates a rank-2 tensor holding a copy of a MathNet matrix.</summary>
    /// <param name="matrix">The matrix; row <c>i</c> becomes sample <c>i</c>.</param>
    /// <returns>A new tensor of shape <c>[matrix.RowCount, matrix.ColumnCount]</c>.</returns>
    /// <exception cref="ArgumentException">The matrix has more elements than an array can hold
    /// (<see cref="Array.MaxLength"/>), as a sparse matrix may.</exception>
    public static Tensor FromMatrix(Matrix<double> matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        int[] shape = [matrix.RowCount, matrix.ColumnCount];
        // Checked before copying: MathNet sizes the copy as RowCount * ColumnCount in int, which wraps around for a
        // large sparse matrix (65537 x 65536 gives 65,536) instead of failing.
        ElementCount(shape);
        // ToRowMajorArray copies whatever storage the matrix has (dense column-major, sparse, diagonal).
        return new Tensor(matrix.ToRowMajorArray(), shape);
    }

    /// <summary>Copies a rank-2 tensor into a new dense MathNet matrix.</summary>
    /// <returns>A matrix of <c>Shape[0]</c> rows and <c>Shape[1]</c> columns.</returns>
    /// <exception cref="InvalidOperationException">The tensor is not rank 2.</exception>
    public Matrix<double> ToMatrix()
    {
        RequireRank(2);
        return Matrix<double>.Build.Dense(_shape[0], _shape[1], (i, j) => _values[(i * _shape[1]) + j]);
    }

    /// <summary>Copies the elements, row-major, into a new array.</summary>
    /// <returns>A flat copy of the values.</returns>
    public double[] ToArray() => (double[])_values.Clone();

    /// <summary>Copies a rank-2 tensor into a new two-dimensional array.</summary>
    /// <returns>An array of <c>[Shape[0], Shape[1]]</c> elements.</returns>
    /// <exception cref="InvalidOperationException">The tensor is not rank 2.</exception>
    public double[,] To2DArray()
    {
        RequireRank(2);
        var result = new double[_shape[0], _shape[1]];
        for (int i = 0; i < (_values.Length == 0 ? 0 : _shape[0]); i++)
        {
            for (int j = 0; j < _shape[1]; j++)
            {
                result[i, j] = _values[(i * _shape[1]) + j];
            }
        }
        return result;
    }

    /// <summary>The values, row-major, as a writable span over the tensor's own storage (no copy).</summary>
    /// <returns>A span of <see cref="Length"/> elements.</returns>
    public Span<double> AsSpan() => _values;

    /// <summary>The values, row-major, as a read-only span over the tensor's own storage (no copy).</summary>
    /// <returns>A read-only span of <see cref="Length"/> elements.</returns>
    public ReadOnlySpan<double> AsReadOnlySpan() => _values;

    /// <summary>The values, row-major, as memory over the tensor's own storage (no copy): what kernels hand to threads.</summary>
    internal Memory<double> AsMemory() => _values;

    /// <summary>One row of a rank-2 tensor as a writable span (no copy).</summary>
    /// <param name="row">The zero-based row index.</param>
    /// <returns>A span of <c>Shape[1]</c> elements.</returns>
    /// <exception cref="InvalidOperationException">The tensor is not rank 2.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="row"/> lies outside the shape.</exception>
    public Span<double> Row(int row)
    {
        RequireRank(2);
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, _shape[0]);
        return _values.AsSpan(row * _shape[1], _shape[1]);
    }

    /// <summary>Makes an independent copy with the same shape and values.</summary>
    /// <returns>A new tensor.</returns>
    public Tensor Clone() => new((double[])_values.Clone(), (int[])_shape.Clone());

    /// <summary>Sets every element to <paramref name="value"/>.</summary>
    /// <param name="value">The new value of every element.</param>
    public void Fill(double value) => _values.AsSpan().Fill(value);

    /// <summary>Copies the values of <paramref name="source"/>, which must have the same shape, into this tensor.</summary>
    /// <param name="source">The tensor to copy from.</param>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public void CopyFrom(Tensor source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!HasSameShape(source))
        {
            throw new ArgumentException(
                $"Expected a tensor of shape {FormatShape(_shape)}, but got {FormatShape(source._shape)}.",
                nameof(source));
        }
        source._values.CopyTo(_values, 0);
    }

    /// <summary>Whether <paramref name="other"/> has exactly this tensor's shape.</summary>
    /// <param name="other">The tensor to compare with.</param>
    /// <returns><see langword="true"/> when the ranks and every dimension agree.</returns>
    public bool HasSameShape(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return _shape.AsSpan().SequenceEqual(other._shape);
    }

    /// <summary>The sum of all elements.</summary>
    /// <returns>The sum, accumulated in row-major order.</returns>
    public double Sum()
    {
        double sum = 0;
        foreach (double value in _values)
        {
            sum += value;
        }
        return sum;
    }

    /// <summary>The index of the largest value in each row of a rank-2 tensor (the predicted class of each sample).</summary>
    /// <returns>One column index per row; the first one wins a tie.</returns>
    /// <exception cref="InvalidOperationException">The tensor is not rank 2 or has no columns.</exception>
    public int[] ArgMaxRows()
    {
        RequireRank(2);
        if (_shape[1] == 0)
        {
            throw new InvalidOperationException("ArgMaxRows needs at least one column, but the tensor has shape " +
                                                FormatShape(_shape) + ".");
        }
        var result = new int[_shape[0]];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = ArgMax(_values.AsSpan(i * _shape[1], _shape[1]));
        }
        return result;
    }

    /// <summary>The index of the largest value of a non-empty span; the first one wins a tie.</summary>
    internal static int ArgMax(ReadOnlySpan<double> values)
    {
        int best = 0;
        for (int j = 1; j < values.Length; j++)
        {
            if (values[j] > values[best])
            {
                best = j;
            }
        }
        return best;
    }

    /// <summary>A short description naming the shape.</summary>
    /// <returns>For example <c>Tensor[2, 3]</c>.</returns>
    public override string ToString() => "Tensor" + FormatShape(_shape);

    /// <summary>Formats a shape the way error messages show it, e.g. <c>[32, 10]</c>.</summary>
    internal static string FormatShape(ReadOnlySpan<int> shape)
    {
        var parts = new string[shape.Length];
        for (int i = 0; i < shape.Length; i++)
        {
            parts[i] = shape[i].ToString(CultureInfo.InvariantCulture);
        }
        return "[" + string.Join(", ", parts) + "]";
    }

    /// <summary>
    /// Returns <paramref name="buffer"/> when it already has <paramref name="shape"/>, otherwise a new zero tensor of
    /// that shape: how layers reuse their output and gradient storage between calls, for any rank.
    /// </summary>
    internal static Tensor Reuse(Tensor? buffer, ReadOnlySpan<int> shape)
    {
        if (buffer is not null && shape.SequenceEqual(buffer._shape))
        {
            return buffer;
        }
        return Zeros(shape.ToArray());
    }

    /// <summary>
    /// Returns <paramref name="buffer"/> when it already has shape <c>[rows, columns]</c>, otherwise a new zero tensor
    /// of that shape.
    /// </summary>
    internal static Tensor Reuse(Tensor? buffer, int rows, int columns)
    {
        if (buffer is not null && buffer._shape.Length == 2 && buffer._shape[0] == rows && buffer._shape[1] == columns)
        {
            return buffer;
        }
        return Zeros(rows, columns);
    }

    /// <summary>
    /// The number of elements of <paramref name="shape"/>, or -1 when a dimension is negative, a dimension exceeds
    /// <see cref="Array.MaxLength"/>, or the product does. The dimension bound holds even beside a zero (so
    /// <c>[2147483647, 0]</c> is refused wherever the zero stands): <see cref="To2DArray"/> could not hold such a
    /// dimension.
    /// </summary>
    internal static long TryElementCount(ReadOnlySpan<int> shape)
    {
        long count = 1;
        foreach (int dimension in shape)
        {
            if (dimension < 0 || dimension > Array.MaxLength)
            {
                return -1;
            }
        }
        if (shape.Contains(0))
        {
            return 0; // wherever the zero stands: [65536, 65536, 0] is as empty as [0, 65536, 65536]
        }
        foreach (int dimension in shape)
        {
            // count <= Array.MaxLength < 2^31 and dimension < 2^31, so the product fits a long.
            count *= dimension;
            if (count > Array.MaxLength)
            {
                return -1;
            }
        }
        return count;
    }

    private static int ElementCount(int[] shape)
    {
        long count = TryElementCount(shape);
        if (count >= 0)
        {
            return (int)count;
        }
        if (shape.AsSpan().IndexOfAnyInRange(int.MinValue, -1) >= 0)
        {
            throw new ArgumentException(
                $"Every dimension must be zero or more, but the shape is {FormatShape(shape)}.", nameof(shape));
        }
        throw new ArgumentException(
            $"Shape {FormatShape(shape)} has more elements than an array can hold, or a dimension larger than one " +
            $"({Array.MaxLength.ToString(CultureInfo.InvariantCulture)}). Use smaller dimensions or split the data.",
            nameof(shape));
    }

    private int CheckedIndex(int index)
    {
        if ((uint)index >= (uint)_values.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index,
                $"Index {index.ToString(CultureInfo.InvariantCulture)} lies outside shape {FormatShape(_shape)}; " +
                $"expected 0 to {(_values.Length - 1).ToString(CultureInfo.InvariantCulture)}.");
        }
        return index;
    }

    private int FlatIndex(int row, int column)
    {
        if ((uint)row >= (uint)_shape[0] || (uint)column >= (uint)_shape[1])
        {
            throw new ArgumentOutOfRangeException((uint)row >= (uint)_shape[0] ? nameof(row) : nameof(column),
                string.Create(CultureInfo.InvariantCulture,
                    $"Index [{row}, {column}] lies outside shape {FormatShape(_shape)}; expected rows 0 to " +
                    $"{_shape[0] - 1} and columns 0 to {_shape[1] - 1}."));
        }
        return (row * _shape[1]) + column;
    }

    private void RequireRank(int rank)
    {
        if (_shape.Length != rank)
        {
            throw new InvalidOperationException(
                $"This operation needs a rank-{rank} tensor, but this one has shape {FormatShape(_shape)}.");
        }
    }
}
