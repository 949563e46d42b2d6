using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BatchNormSharp.Kernels;

/// <summary>Element-wise and broadcast kernels over spans, vectorised with <see cref="Vector{T}"/>.</summary>
internal static class Elementwise
{
    /// <summary><c>destination[i] += source[i]</c>.</summary>
    public static void AddInPlace(ReadOnlySpan<double> source, Span<double> destination)
    {
        ref double s = ref MemoryMarshal.GetReference(source);
        ref double d = ref MemoryMarshal.GetReference(destination);
        int n = source.Length, i = 0;
        for (; i <= n - Vector<double>.Count; i += Vector<double>.Count)
        {
            (Vector.LoadUnsafe(ref d, (nuint)i) + Vector.LoadUnsafe(ref s, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref d, i) += Unsafe.Add(ref s, i);
        }
    }

    /// <summary><c>destination[i] = source[i] · scale[i]</c> for every row of a row-major <c>[rows, columns]</c> batch.</summary>
    public static void ScaleColumns(
        ReadOnlySpan<double> source, int rows, int columns, ReadOnlySpan<double> scale, Span<double> destination)
    {
        ref double sc = ref MemoryMarshal.GetReference(scale);
        for (int r = 0; r < rows; r++)
        {
            ref double s = ref Unsafe.Add(ref MemoryMarshal.GetReference(source), r * columns);
            ref double d = ref Unsafe.Add(ref MemoryMarshal.GetReference(destination), r * columns);
            int j = 0;
            for (; j <= columns - Vector<double>.Count; j += Vector<double>.Count)
            {
                (Vector.LoadUnsafe(ref s, (nuint)j) * Vector.LoadUnsafe(ref sc, (nuint)j)).StoreUnsafe(ref d, (nuint)j);
            }
            for (; j < columns; j++)
            {
                Unsafe.Add(ref d, j) = Unsafe.Add(ref s, j) * Unsafe.Add(ref sc, j);
            }
        }
    }

    /// <summary>Adds the vector <paramref name="row"/> to every row of a row-major <c>[rows, row.Length]</c> batch.</summary>
    public static void AddRowToEachRow(ReadOnlySpan<double> row, int rows, Span<double> destination)
    {
        int columns = row.Length;
        for (int r = 0; r < rows; r++)
        {
            AddInPlace(row, destination.Slice(r * columns, columns));
        }
    }

    /// <summary><c>y = max(0, x)</c>.</summary>
    public static void Relu(ReadOnlySpan<double> x, Span<double> y)
    {
        ref double xs = ref MemoryMarshal.GetReference(x);
        ref double ys = ref MemoryMarshal.GetReference(y);
        int n = x.Length, i = 0;
        for (; i <= n - Vector<double>.Count; i += Vector<double>.Count)
        {
            Vector.Max(Vector.LoadUnsafe(ref xs, (nuint)i), Vector<double>.Zero).StoreUnsafe(ref ys, (nuint)i);
        }
        for (; i < n; i++)
        {
            // Math.Max, like Vector.Max, lets NaN through, as PyTorch's relu does.
            Unsafe.Add(ref ys, i) = Math.Max(Unsafe.Add(ref xs, i), 0.0);
        }
    }

    /// <summary>
    /// ReLU's backward pass: <c>dx = dy</c> where the output was positive, else 0 (PyTorch's choice of 0 for the
    /// sub-gradient at the kink).
    /// </summary>
    public static void ReluBackward(ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx)
    {
        ref double ys = ref MemoryMarshal.GetReference(y);
        ref double g = ref MemoryMarshal.GetReference(dy);
        ref double d = ref MemoryMarshal.GetReference(dx);
        int n = y.Length, i = 0;
        for (; i <= n - Vector<double>.Count; i += Vector<double>.Count)
        {
            var positive = Vector.GreaterThan(Vector.LoadUnsafe(ref ys, (nuint)i), Vector<double>.Zero);
            Vector.ConditionalSelect(positive, Vector.LoadUnsafe(ref g, (nuint)i), Vector<double>.Zero)
                .StoreUnsafe(ref d, (nuint)i);
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref d, i) = Unsafe.Add(ref ys, i) > 0.0 ? Unsafe.Add(ref g, i) : 0.0;
        }
    }
}
