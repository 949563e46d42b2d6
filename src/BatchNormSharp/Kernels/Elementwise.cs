using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace BatchNormSharp.Kernels;

/// <summary>
/// Element-wise and broadcast kernels over spans, vectorised with <see cref="Vector512{T}"/> through references
/// (no slicing inside loops), with a scalar loop for the elements after the last full vector. A lane does what the
/// scalar loop does, so results do not depend on where the vectors end.
/// </summary>
internal static class Elementwise
{
    private static int Lanes => Vector512<double>.Count;

    /// <summary><c>destination[i] += source[i]</c>.</summary>
    public static void AddInPlace(ReadOnlySpan<double> source, Span<double> destination)
    {
        SpanChecks.AtLeast(destination.Length, source.Length, nameof(AddInPlace), nameof(destination));
        AddInPlace(ref MemoryMarshal.GetReference(source), ref MemoryMarshal.GetReference(destination), source.Length);
    }

    /// <summary>
    /// Adds every row of a row-major <c>[rows, columns]</c> batch to <paramref name="destination"/>, in row order:
    /// <c>destination[j] += source[0, j] + source[1, j] + …</c> (a bias gradient). The accumulators stay in registers
    /// (<see cref="BatchNormTiles.AddColumnSums"/>).
    /// </summary>
    public static void AddRowsInPlace(ReadOnlySpan<double> source, int rows, int columns, Span<double> destination) =>
        BatchNormTiles.AddColumnSums(source, rows, columns, 0, columns, destination);

    /// <summary><c>destination[i, j] = source[i, j] · scale[j]</c> for every row of a row-major <c>[rows, columns]</c> batch.</summary>
    public static void ScaleColumns(
        ReadOnlySpan<double> source, int rows, int columns, ReadOnlySpan<double> scale, Span<double> destination)
    {
        long values = rows < 0 || columns < 0 ? -1 : (long)rows * columns; // a negative count fails the check
        SpanChecks.AtLeast(source.Length, values, nameof(ScaleColumns), nameof(source));
        SpanChecks.AtLeast(destination.Length, values, nameof(ScaleColumns), nameof(destination));
        SpanChecks.AtLeast(scale.Length, columns, nameof(ScaleColumns), nameof(scale));
        ref double sc = ref MemoryMarshal.GetReference(scale);
        for (int r = 0; r < rows; r++)
        {
            ref double s = ref Unsafe.Add(ref MemoryMarshal.GetReference(source), r * columns);
            ref double d = ref Unsafe.Add(ref MemoryMarshal.GetReference(destination), r * columns);
            int j = 0;
            for (; j <= columns - Lanes; j += Lanes)
            {
                (Vector512.LoadUnsafe(ref s, (nuint)j) * Vector512.LoadUnsafe(ref sc, (nuint)j))
                    .StoreUnsafe(ref d, (nuint)j);
            }
            for (; j < columns; j++)
            {
                Unsafe.Add(ref d, j) = Unsafe.Add(ref s, j) * Unsafe.Add(ref sc, j);
            }
        }
    }

    /// <summary><c>destination[i] = source[i] · factor[i]</c>.</summary>
    public static void Multiply(ReadOnlySpan<double> source, ReadOnlySpan<double> factor, Span<double> destination)
    {
        ref double s = ref MemoryMarshal.GetReference(source);
        ref double f = ref MemoryMarshal.GetReference(factor);
        ref double d = ref MemoryMarshal.GetReference(destination);
        int n = source.Length, i = 0;
        for (; i <= n - Lanes; i += Lanes)
        {
            (Vector512.LoadUnsafe(ref s, (nuint)i) * Vector512.LoadUnsafe(ref f, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref d, i) = Unsafe.Add(ref s, i) * Unsafe.Add(ref f, i);
        }
    }

    /// <summary><c>values[i] *= factor</c>.</summary>
    public static void ScaleInPlace(Span<double> values, double factor)
    {
        ref double v = ref MemoryMarshal.GetReference(values);
        var f = Vector512.Create(factor);
        int n = values.Length, i = 0;
        for (; i <= n - Lanes; i += Lanes)
        {
            (Vector512.LoadUnsafe(ref v, (nuint)i) * f).StoreUnsafe(ref v, (nuint)i);
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref v, i) *= factor;
        }
    }

    /// <summary>Adds the vector <paramref name="row"/> to every row of a row-major <c>[rows, row.Length]</c> batch.</summary>
    public static void AddRowToEachRow(ReadOnlySpan<double> row, int rows, Span<double> destination)
    {
        int columns = row.Length;
        SpanChecks.AtLeast(destination.Length, rows < 0 ? -1 : (long)rows * columns, nameof(AddRowToEachRow),
            nameof(destination));
        ref double r = ref MemoryMarshal.GetReference(row);
        ref double d = ref MemoryMarshal.GetReference(destination);
        for (int i = 0; i < rows; i++)
        {
            AddInPlace(ref r, ref Unsafe.Add(ref d, i * columns), columns);
        }
    }

    /// <summary><c>y = max(0, x)</c>.</summary>
    public static void Relu(ReadOnlySpan<double> x, Span<double> y)
    {
        SpanChecks.AtLeast(y.Length, x.Length, nameof(Relu), nameof(y));
        ref double xs = ref MemoryMarshal.GetReference(x);
        ref double ys = ref MemoryMarshal.GetReference(y);
        int n = x.Length, i = 0;
        for (; i <= n - Lanes; i += Lanes)
        {
            // Max(x, 0) returns x when x is NaN, as Math.Max and PyTorch's relu do.
            Vector512.Max(Vector512.LoadUnsafe(ref xs, (nuint)i), Vector512<double>.Zero).StoreUnsafe(ref ys, (nuint)i);
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref ys, i) = Math.Max(Unsafe.Add(ref xs, i), 0.0);
        }
    }

    /// <summary>
    /// ReLU's backward pass: <c>dx = dy</c> where the output was positive, else 0 (PyTorch's choice of 0 for the
    /// sub-gradient at the kink).
    /// </summary>
    public static void ReluBackward(ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx)
    {
        SpanChecks.AtLeast(dy.Length, y.Length, nameof(ReluBackward), nameof(dy));
        SpanChecks.AtLeast(dx.Length, y.Length, nameof(ReluBackward), nameof(dx));
        ref double ys = ref MemoryMarshal.GetReference(y);
        ref double g = ref MemoryMarshal.GetReference(dy);
        ref double d = ref MemoryMarshal.GetReference(dx);
        int n = y.Length, i = 0;
        for (; i <= n - Lanes; i += Lanes)
        {
            var positive = Vector512.GreaterThan(Vector512.LoadUnsafe(ref ys, (nuint)i), Vector512<double>.Zero);
            Vector512.ConditionalSelect(positive, Vector512.LoadUnsafe(ref g, (nuint)i), Vector512<double>.Zero)
                .StoreUnsafe(ref d, (nuint)i);
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref d, i) = Unsafe.Add(ref ys, i) > 0.0 ? Unsafe.Add(ref g, i) : 0.0;
        }
    }

    private static void AddInPlace(ref double source, ref double destination, int length)
    {
        int i = 0;
        for (; i <= length - Lanes; i += Lanes)
        {
            (Vector512.LoadUnsafe(ref destination, (nuint)i) + Vector512.LoadUnsafe(ref source, (nuint)i))
                .StoreUnsafe(ref destination, (nuint)i);
        }
        for (; i < length; i++)
        {
            Unsafe.Add(ref destination, i) += Unsafe.Add(ref source, i);
        }
    }
}
