using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BatchNormSharp.Kernels;

/// <summary>
/// The arithmetic of batch normalisation over a row-major batch <c>[rows, columns]</c> (samples × features),
/// stateless and allocation-free. Statistics are per column; the loops run along rows so that every pass reads
/// memory contiguously and each column's sum is accumulated in row order (deterministic).
/// </summary>
internal static class BatchNormKernels
{
    /// <summary>The mean of each column: <c>mean[j] = Σ_i x[i, j] / rows</c>.</summary>
    /// <remarks>
    /// A division, as PyTorch does, not a multiplication by <c>1 / rows</c>: that rounds twice and can move the mean
    /// by one unit in the last place, which at an offset of 1e4 and a spread of 1e-2 shifts every normalised value
    /// by 2e-10 and dγ by 1e-9 relative.
    /// </remarks>
    public static void ColumnMeans(ReadOnlySpan<double> x, int rows, int columns, Span<double> mean)
    {
        ColumnSums(x, rows, columns, mean);
        for (int j = 0; j < columns; j++)
        {
            mean[j] /= rows;
        }
    }

    /// <summary>The sum of each column: <c>sum[j] = Σ_i x[i, j]</c>.</summary>
    public static void ColumnSums(ReadOnlySpan<double> x, int rows, int columns, Span<double> sum)
    {
        sum[..columns].Clear();
        for (int i = 0; i < rows; i++)
        {
            Elementwise.AddInPlace(x.Slice(i * columns, columns), sum);
        }
    }

    /// <summary>
    /// The second pass of the two-pass variance: <c>sumSq[j] = Σ_i (x[i, j] - mean[j])²</c>. Dividing by
    /// <c>rows</c> gives the biased variance, by <c>rows - 1</c> the unbiased one. Never <c>E[x²] - E[x]²</c>, which
    /// loses every digit when the mean is large compared with the spread.
    /// </summary>
    public static void ColumnSquaredDeviations(
        ReadOnlySpan<double> x, int rows, int columns, ReadOnlySpan<double> mean, Span<double> sumSq)
    {
        sumSq[..columns].Clear();
        ref double m = ref MemoryMarshal.GetReference(mean);
        ref double s = ref MemoryMarshal.GetReference(sumSq);
        for (int i = 0; i < rows; i++)
        {
            ref double row = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), i * columns);
            int j = 0;
            for (; j <= columns - Vector<double>.Count; j += Vector<double>.Count)
            {
                var deviation = Vector.LoadUnsafe(ref row, (nuint)j) - Vector.LoadUnsafe(ref m, (nuint)j);
                (Vector.LoadUnsafe(ref s, (nuint)j) + (deviation * deviation)).StoreUnsafe(ref s, (nuint)j);
            }
            for (; j < columns; j++)
            {
                double deviation = Unsafe.Add(ref row, j) - Unsafe.Add(ref m, j);
                Unsafe.Add(ref s, j) += deviation * deviation;
            }
        }
    }

    /// <summary>
    /// <c>xhat = (x - mean) · invStd</c> and <c>y = xhat · gamma + beta</c>, column-wise. Normalising before
    /// scaling keeps the digits of <c>x - mean</c> when the mean dwarfs the spread.
    /// </summary>
    public static void Normalize(
        ReadOnlySpan<double> x, int rows, int columns,
        ReadOnlySpan<double> mean, ReadOnlySpan<double> invStd, ReadOnlySpan<double> gamma, ReadOnlySpan<double> beta,
        Span<double> xhat, Span<double> y)
    {
        ref double m = ref MemoryMarshal.GetReference(mean);
        ref double r = ref MemoryMarshal.GetReference(invStd);
        ref double g = ref MemoryMarshal.GetReference(gamma);
        ref double b = ref MemoryMarshal.GetReference(beta);
        for (int i = 0; i < rows; i++)
        {
            int offset = i * columns;
            ref double xRow = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), offset);
            ref double hRow = ref Unsafe.Add(ref MemoryMarshal.GetReference(xhat), offset);
            ref double yRow = ref Unsafe.Add(ref MemoryMarshal.GetReference(y), offset);
            int j = 0;
            for (; j <= columns - Vector<double>.Count; j += Vector<double>.Count)
            {
                nuint k = (nuint)j;
                var h = (Vector.LoadUnsafe(ref xRow, k) - Vector.LoadUnsafe(ref m, k)) * Vector.LoadUnsafe(ref r, k);
                h.StoreUnsafe(ref hRow, k);
                ((h * Vector.LoadUnsafe(ref g, k)) + Vector.LoadUnsafe(ref b, k)).StoreUnsafe(ref yRow, k);
            }
            for (; j < columns; j++)
            {
                double h = (Unsafe.Add(ref xRow, j) - Unsafe.Add(ref m, j)) * Unsafe.Add(ref r, j);
                Unsafe.Add(ref hRow, j) = h;
                Unsafe.Add(ref yRow, j) = (h * Unsafe.Add(ref g, j)) + Unsafe.Add(ref b, j);
            }
        }
    }

    /// <summary>
    /// The two reductions every BatchNorm backward pass needs: <c>sumDy[j] = Σ_i dy[i, j]</c> (= dβ) and
    /// <c>sumDyXhat[j] = Σ_i dy[i, j] · xhat[i, j]</c> (= dγ).
    /// </summary>
    public static void GradientSums(
        ReadOnlySpan<double> dy, ReadOnlySpan<double> xhat, int rows, int columns,
        Span<double> sumDy, Span<double> sumDyXhat)
    {
        sumDy[..columns].Clear();
        sumDyXhat[..columns].Clear();
        ref double sd = ref MemoryMarshal.GetReference(sumDy);
        ref double sdh = ref MemoryMarshal.GetReference(sumDyXhat);
        for (int i = 0; i < rows; i++)
        {
            int offset = i * columns;
            ref double dyRow = ref Unsafe.Add(ref MemoryMarshal.GetReference(dy), offset);
            ref double hRow = ref Unsafe.Add(ref MemoryMarshal.GetReference(xhat), offset);
            int j = 0;
            for (; j <= columns - Vector<double>.Count; j += Vector<double>.Count)
            {
                nuint k = (nuint)j;
                var g = Vector.LoadUnsafe(ref dyRow, k);
                (Vector.LoadUnsafe(ref sd, k) + g).StoreUnsafe(ref sd, k);
                (Vector.LoadUnsafe(ref sdh, k) + (g * Vector.LoadUnsafe(ref hRow, k))).StoreUnsafe(ref sdh, k);
            }
            for (; j < columns; j++)
            {
                double g = Unsafe.Add(ref dyRow, j);
                Unsafe.Add(ref sd, j) += g;
                Unsafe.Add(ref sdh, j) += g * Unsafe.Add(ref hRow, j);
            }
        }
    }

    /// <summary>
    /// The closed-form training-mode input gradient:
    /// <c>dx = scale · (dy - meanDy - xhat · meanDyXhat)</c> with <c>scale = γ / σ</c>, <c>meanDy = Σdy / N</c> and
    /// <c>meanDyXhat = Σ(dy · xhat) / N</c>, where N is the batch size (the row count, not the feature count).
    /// </summary>
    public static void TrainingInputGradient(
        ReadOnlySpan<double> dy, ReadOnlySpan<double> xhat, int rows, int columns,
        ReadOnlySpan<double> scale, ReadOnlySpan<double> meanDy, ReadOnlySpan<double> meanDyXhat, Span<double> dx)
    {
        ref double sc = ref MemoryMarshal.GetReference(scale);
        ref double md = ref MemoryMarshal.GetReference(meanDy);
        ref double mdh = ref MemoryMarshal.GetReference(meanDyXhat);
        for (int i = 0; i < rows; i++)
        {
            int offset = i * columns;
            ref double dyRow = ref Unsafe.Add(ref MemoryMarshal.GetReference(dy), offset);
            ref double hRow = ref Unsafe.Add(ref MemoryMarshal.GetReference(xhat), offset);
            ref double dxRow = ref Unsafe.Add(ref MemoryMarshal.GetReference(dx), offset);
            int j = 0;
            for (; j <= columns - Vector<double>.Count; j += Vector<double>.Count)
            {
                nuint k = (nuint)j;
                var centred = Vector.LoadUnsafe(ref dyRow, k) - Vector.LoadUnsafe(ref md, k)
                              - (Vector.LoadUnsafe(ref hRow, k) * Vector.LoadUnsafe(ref mdh, k));
                (Vector.LoadUnsafe(ref sc, k) * centred).StoreUnsafe(ref dxRow, k);
            }
            for (; j < columns; j++)
            {
                double centred = Unsafe.Add(ref dyRow, j) - Unsafe.Add(ref md, j)
                                 - (Unsafe.Add(ref hRow, j) * Unsafe.Add(ref mdh, j));
                Unsafe.Add(ref dxRow, j) = Unsafe.Add(ref sc, j) * centred;
            }
        }
    }
}
