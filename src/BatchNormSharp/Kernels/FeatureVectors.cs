using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace BatchNormSharp.Kernels;

/// <summary>
/// The per-row steps of a BatchNorm over short rows of features (a time step of the batch-normalised LSTM cells):
/// each call handles one row, the features in vector lanes. A caller that walks the rows in order adds every
/// feature's values in the same order as a scalar loop would, and no step fuses a multiply with an add, so the results
/// are bit for bit those of the scalar formulas written next to each method. The plain sum and product of a row take
/// <see cref="Elementwise.AddInPlace(ReadOnlySpan{double}, Span{double})"/> and <see cref="Elementwise.Multiply"/>.
/// </summary>
internal static class FeatureVectors
{
    private static readonly int Lanes = Vector256<double>.Count;

    /// <summary><c>sumSq[j] += (x[j] - mean[j])²</c>.</summary>
    public static void AddSquaredDeviations(ReadOnlySpan<double> x, ReadOnlySpan<double> mean, Span<double> sumSq)
    {
        ref double xs = ref MemoryMarshal.GetReference(x);
        ref double ms = ref MemoryMarshal.GetReference(mean);
        ref double ss = ref MemoryMarshal.GetReference(sumSq);
        int j = 0;
        for (; j <= x.Length - Lanes; j += Lanes)
        {
            var d = Load(ref xs, j) - Load(ref ms, j);
            (Load(ref ss, j) + (d * d)).StoreUnsafe(ref ss, (nuint)j);
        }
        for (; j < x.Length; j++)
        {
            double d = x[j] - mean[j];
            sumSq[j] += d * d;
        }
    }

    /// <summary>
    /// <c>xhat[j] = (x[j] - mean[j]) · invStd[j]</c> and <c>y[j] = xhat[j] · γ[j] + β[j]</c> (β = 0 when
    /// <paramref name="beta"/> is empty).
    /// </summary>
    public static void Normalize(ReadOnlySpan<double> x, ReadOnlySpan<double> mean, ReadOnlySpan<double> invStd,
        ReadOnlySpan<double> gamma, ReadOnlySpan<double> beta, Span<double> xhat, Span<double> y)
    {
        ref double xs = ref MemoryMarshal.GetReference(x);
        ref double ms = ref MemoryMarshal.GetReference(mean);
        ref double rs = ref MemoryMarshal.GetReference(invStd);
        ref double gs = ref MemoryMarshal.GetReference(gamma);
        ref double bs = ref MemoryMarshal.GetReference(beta);
        ref double hs = ref MemoryMarshal.GetReference(xhat);
        ref double ys = ref MemoryMarshal.GetReference(y);
        bool hasBeta = !beta.IsEmpty;
        int j = 0;
        for (; j <= x.Length - Lanes; j += Lanes)
        {
            var h = (Load(ref xs, j) - Load(ref ms, j)) * Load(ref rs, j);
            h.StoreUnsafe(ref hs, (nuint)j);
            var shift = hasBeta ? Load(ref bs, j) : Vector256<double>.Zero;
            ((h * Load(ref gs, j)) + shift).StoreUnsafe(ref ys, (nuint)j);
        }
        for (; j < x.Length; j++)
        {
            double h = (x[j] - mean[j]) * invStd[j];
            xhat[j] = h;
            y[j] = (h * gamma[j]) + (hasBeta ? beta[j] : 0.0);
        }
    }

    /// <summary><c>sumDy[j] += dy[j]</c> and <c>sumDyXhat[j] += dy[j] · xhat[j]</c>.</summary>
    public static void AddGradientSums(ReadOnlySpan<double> dy, ReadOnlySpan<double> xhat, Span<double> sumDy,
        Span<double> sumDyXhat)
    {
        ref double gs = ref MemoryMarshal.GetReference(dy);
        ref double hs = ref MemoryMarshal.GetReference(xhat);
        ref double ds = ref MemoryMarshal.GetReference(sumDy);
        ref double es = ref MemoryMarshal.GetReference(sumDyXhat);
        int j = 0;
        for (; j <= dy.Length - Lanes; j += Lanes)
        {
            var g = Load(ref gs, j);
            (Load(ref ds, j) + g).StoreUnsafe(ref ds, (nuint)j);
            (Load(ref es, j) + (g * Load(ref hs, j))).StoreUnsafe(ref es, (nuint)j);
        }
        for (; j < dy.Length; j++)
        {
            sumDy[j] += dy[j];
            sumDyXhat[j] += dy[j] * xhat[j];
        }
    }

    /// <summary><c>dx[j] = scale[j] · (dy[j] - meanDy[j] - xhat[j] · meanDyXhat[j])</c>.</summary>
    public static void TrainingInputGradient(ReadOnlySpan<double> dy, ReadOnlySpan<double> xhat,
        ReadOnlySpan<double> scale, ReadOnlySpan<double> meanDy, ReadOnlySpan<double> meanDyXhat, Span<double> dx)
    {
        ref double gs = ref MemoryMarshal.GetReference(dy);
        ref double hs = ref MemoryMarshal.GetReference(xhat);
        ref double ss = ref MemoryMarshal.GetReference(scale);
        ref double ds = ref MemoryMarshal.GetReference(meanDy);
        ref double es = ref MemoryMarshal.GetReference(meanDyXhat);
        ref double xs = ref MemoryMarshal.GetReference(dx);
        int j = 0;
        for (; j <= dy.Length - Lanes; j += Lanes)
        {
            (Load(ref ss, j) * (Load(ref gs, j) - Load(ref ds, j) - (Load(ref hs, j) * Load(ref es, j))))
                .StoreUnsafe(ref xs, (nuint)j);
        }
        for (; j < dy.Length; j++)
        {
            dx[j] = scale[j] * (dy[j] - meanDy[j] - (xhat[j] * meanDyXhat[j]));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Load(ref double origin, int offset) =>
        Vector256.LoadUnsafe(ref origin, (nuint)offset);
}
