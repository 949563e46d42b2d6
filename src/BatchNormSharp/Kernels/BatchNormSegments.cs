using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace BatchNormSharp.Kernels;

/// <summary>
/// The passes of batch normalisation over features <c>[first, end)</c> of a <c>[N, C, L]</c> input (L &gt; 1), on the
/// calling thread. Feature <c>c</c> of sample <c>n</c> is a contiguous segment of L values at <c>(n·C + c)·L</c>;
/// each pass walks a feature's N segments in order, a vector of 8 values at a time with the last &lt; 8 values of
/// each segment in scalar code. <see cref="BatchNormFunctions"/> checks every length before calling.
/// </summary>
/// <remarks>
/// Determinism: a feature's sums are accumulated in one fixed order (vector lanes by position within the segment,
/// then the lanes added together, then the scalar tail), whatever thread computes it. Elementwise passes do per value
/// exactly what <see cref="BatchNormTiles"/> does, no fused multiply-add.
/// </remarks>
internal static class BatchNormSegments
{
    private static int Lanes => Vector512<double>.Count;

    /// <summary>
    /// Two-pass statistics of each feature: <c>mean = Σx / (N·L)</c>, then <c>sumSq = Σ(x - mean)²</c>.
    /// </summary>
    public static void Statistics(ReadOnlySpan<double> x, int batch, int features, int length, int first, int end,
        Span<double> mean, Span<double> sumSq)
    {
        int count = batch * length;
        for (int c = first; c < end; c++)
        {
            var vector = Vector512<double>.Zero;
            double tail = 0;
            for (int n = 0; n < batch; n++)
            {
                ref double s = ref Segment(x, n, c, features, length);
                int l = 0;
                for (; l <= length - Lanes; l += Lanes)
                {
                    vector += Vector512.LoadUnsafe(ref s, (nuint)l);
                }
                for (; l < length; l++)
                {
                    tail += Unsafe.Add(ref s, l);
                }
            }
            double m = (Vector512.Sum(vector) + tail) / count;

            var vectorSq = Vector512<double>.Zero;
            var mv = Vector512.Create(m);
            double tailSq = 0;
            for (int n = 0; n < batch; n++)
            {
                ref double s = ref Segment(x, n, c, features, length);
                int l = 0;
                for (; l <= length - Lanes; l += Lanes)
                {
                    var d = Vector512.LoadUnsafe(ref s, (nuint)l) - mv;
                    vectorSq += d * d;
                }
                for (; l < length; l++)
                {
                    double d = Unsafe.Add(ref s, l) - m;
                    tailSq += d * d;
                }
            }
            mean[c] = m;
            sumSq[c] = Vector512.Sum(vectorSq) + tailSq;
        }
    }

    /// <summary><c>y = (x - mean) · invStd · gamma + beta</c> per feature (normalise before scaling, as the tiles do).</summary>
    public static void Normalize(ReadOnlySpan<double> x, int batch, int features, int length, int first, int end,
        ReadOnlySpan<double> mean, ReadOnlySpan<double> invStd, ReadOnlySpan<double> gamma, ReadOnlySpan<double> beta,
        Span<double> y)
    {
        for (int c = first; c < end; c++)
        {
            double m = mean[c], r = invStd[c], g = gamma[c], b = beta[c];
            Vector512<double> mv = Vector512.Create(m), rv = Vector512.Create(r);
            Vector512<double> gv = Vector512.Create(g), bv = Vector512.Create(b);
            for (int n = 0; n < batch; n++)
            {
                ref double xs = ref Segment(x, n, c, features, length);
                ref double ys = ref Segment(y, n, c, features, length);
                int l = 0;
                for (; l <= length - Lanes; l += Lanes)
                {
                    (((Vector512.LoadUnsafe(ref xs, (nuint)l) - mv) * rv * gv) + bv).StoreUnsafe(ref ys, (nuint)l);
                }
                for (; l < length; l++)
                {
                    Unsafe.Add(ref ys, l) = ((Unsafe.Add(ref xs, l) - m) * r * g) + b;
                }
            }
        }
    }

    /// <summary><c>sumDy = Σ dy</c> and <c>sumDyXhat = Σ dy · (x - mean) · invStd</c> per feature.</summary>
    public static void GradientSums(ReadOnlySpan<double> dy, ReadOnlySpan<double> x, int batch, int features,
        int length, int first, int end, ReadOnlySpan<double> mean, ReadOnlySpan<double> invStd, Span<double> sumDy,
        Span<double> sumDyXhat)
    {
        for (int c = first; c < end; c++)
        {
            double m = mean[c], r = invStd[c];
            Vector512<double> mv = Vector512.Create(m), rv = Vector512.Create(r);
            Vector512<double> dv = Vector512<double>.Zero, hv = Vector512<double>.Zero;
            double d = 0, h = 0;
            for (int n = 0; n < batch; n++)
            {
                ref double gs = ref Segment(dy, n, c, features, length);
                ref double xs = ref Segment(x, n, c, features, length);
                int l = 0;
                for (; l <= length - Lanes; l += Lanes)
                {
                    var g = Vector512.LoadUnsafe(ref gs, (nuint)l);
                    dv += g;
                    hv += g * ((Vector512.LoadUnsafe(ref xs, (nuint)l) - mv) * rv);
                }
                for (; l < length; l++)
                {
                    double g = Unsafe.Add(ref gs, l);
                    d += g;
                    h += g * ((Unsafe.Add(ref xs, l) - m) * r);
                }
            }
            sumDy[c] = Vector512.Sum(dv) + d;
            sumDyXhat[c] = Vector512.Sum(hv) + h;
        }
    }

    /// <summary>
    /// The training-mode input gradient <c>dx = scale · (dy - meanDy - (x - mean) · invStd · meanDyXhat)</c> per
    /// feature.
    /// </summary>
    public static void TrainingInputGradient(ReadOnlySpan<double> dy, ReadOnlySpan<double> x, int batch, int features,
        int length, int first, int end, ReadOnlySpan<double> mean, ReadOnlySpan<double> invStd,
        ReadOnlySpan<double> scale, ReadOnlySpan<double> meanDy, ReadOnlySpan<double> meanDyXhat, Span<double> dx)
    {
        for (int c = first; c < end; c++)
        {
            double m = mean[c], r = invStd[c], s = scale[c], md = meanDy[c], mh = meanDyXhat[c];
            Vector512<double> mv = Vector512.Create(m), rv = Vector512.Create(r), sv = Vector512.Create(s);
            Vector512<double> mdv = Vector512.Create(md), mhv = Vector512.Create(mh);
            for (int n = 0; n < batch; n++)
            {
                ref double gs = ref Segment(dy, n, c, features, length);
                ref double xs = ref Segment(x, n, c, features, length);
                ref double ds = ref Segment(dx, n, c, features, length);
                int l = 0;
                for (; l <= length - Lanes; l += Lanes)
                {
                    var xhat = (Vector512.LoadUnsafe(ref xs, (nuint)l) - mv) * rv;
                    (sv * (Vector512.LoadUnsafe(ref gs, (nuint)l) - mdv - (xhat * mhv))).StoreUnsafe(ref ds, (nuint)l);
                }
                for (; l < length; l++)
                {
                    Unsafe.Add(ref ds, l) = s * (Unsafe.Add(ref gs, l) - md - ((Unsafe.Add(ref xs, l) - m) * r * mh));
                }
            }
        }
    }

    /// <summary>
    /// <c>dx = dy · scale</c> per feature: the input gradient with frozen statistics. Also serves <c>[N, C]</c>
    /// inputs (L = 1), row by row across the features.
    /// </summary>
    public static void Scale(ReadOnlySpan<double> dy, int batch, int features, int length, int first, int end,
        ReadOnlySpan<double> scale, Span<double> dx)
    {
        if (length == 1)
        {
            for (int n = 0; n < batch; n++)
            {
                int row = n * features;
                Elementwise.Multiply(dy.Slice(row + first, end - first), scale[first..end],
                    dx.Slice(row + first, end - first));
            }
            return;
        }
        for (int c = first; c < end; c++)
        {
            double s = scale[c];
            var sv = Vector512.Create(s);
            for (int n = 0; n < batch; n++)
            {
                ref double gs = ref Segment(dy, n, c, features, length);
                ref double ds = ref Segment(dx, n, c, features, length);
                int l = 0;
                for (; l <= length - Lanes; l += Lanes)
                {
                    (Vector512.LoadUnsafe(ref gs, (nuint)l) * sv).StoreUnsafe(ref ds, (nuint)l);
                }
                for (; l < length; l++)
                {
                    Unsafe.Add(ref ds, l) = Unsafe.Add(ref gs, l) * s;
                }
            }
        }
    }

    private static ref double Segment(ReadOnlySpan<double> values, int n, int c, int features, int length) =>
        ref Unsafe.Add(ref MemoryMarshal.GetReference(values), ((n * features) + c) * length);
}
