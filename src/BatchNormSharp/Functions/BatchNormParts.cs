using BatchNormSharp.Kernels;

namespace BatchNormSharp;

/// <summary>
/// One pass of <see cref="BatchNormFunctions"/> cut into fixed parts for <see cref="WorkerPool"/>. The passes that sum
/// over the batch are cut into ranges of whole features, each feature summed whole by one part in the same order as
/// on one thread; the element-wise passes of a <c>[N, C]</c> input (normalisation, input gradient) into ranges of
/// whole rows, each element computed alone. Either way the bits do not depend on the number of parts or threads.
/// Holds pointers to the caller's pinned spans (null for an absent span).
/// </summary>
/// <remarks>
/// Why rows for the element-wise passes: a part then sweeps whole rows, one long run of memory per row and array,
/// where a range of features is a shorter run every row (with two threads, half a row). Measured on one Zen 4 thread
/// at 1024 × 1024 (8192 × 1024): the input gradient over whole rows 1159 µs (11.5 ms), over half rows 1286 µs
/// (13.4 ms).
/// </remarks>
internal unsafe struct BatchNormParts : IPartedWork
{
    /// <summary>The pass a <see cref="BatchNormParts"/> runs.</summary>
    public enum Pass
    {
        /// <summary>Mean, sum of squared deviations and <c>1 / √(var + ε)</c> of each feature.</summary>
        Statistics,

        /// <summary><c>y = (x - mean) · invStd · γ + β</c>.</summary>
        Normalize,

        /// <summary>
        /// The reductions, dγ and dβ, and (when dx is given) the input gradient, training or frozen form; for a
        /// <c>[N, C]</c> input the input gradient is left to <see cref="InputGradient"/>.
        /// </summary>
        Backward,

        /// <summary>The input gradient of a <c>[N, C]</c> input once <see cref="Backward"/> has prepared its constants.</summary>
        InputGradient,
    }

    /// <summary>The pass to run.</summary>
    public Pass Kind;

    /// <summary>The input's shape.</summary>
    public BatchNormShape Shape;

    /// <summary>ε, for <see cref="Pass.Statistics"/>.</summary>
    public double Eps;

    /// <summary>Whether <see cref="Pass.Backward"/> uses the training form (batch statistics) or the frozen form.</summary>
    public bool UsedBatchStatistics;

    /// <summary>Inputs and outputs of <c>Shape.Elements</c> values.</summary>
    public double* X, Y, Dy, Dx;

    /// <summary>Per-feature arrays of <c>Shape.Features</c> values.</summary>
    public double* Mean, InvStd, SumSq, Gamma, Beta, SumDy, SumDyXhat, Scale, DGamma, DBeta;

    /// <summary>Features per range: whole vectors for <c>[N, C]</c> inputs, so that a range's tiles stay full.</summary>
    private readonly int Granule => Shape.Length == 1 ? BatchNormTiles.Lanes : 1;

    /// <summary>Whether this pass is cut by rows (element-wise on a <c>[N, C]</c> input) rather than by features.</summary>
    private readonly bool ByRows =>
        Shape.Length == 1 && (Kind == Pass.Normalize || Kind == Pass.InputGradient);

    /// <summary>The most parts this pass can be cut into.</summary>
    public readonly int FinestParts => ByRows ? Shape.Batch : (Shape.Features + Granule - 1) / Granule;

    /// <summary>
    /// Runs the pass on the pool (or alone), split as the calling thread's policy says; a <see cref="Pass.Backward"/>
    /// of a <c>[N, C]</c> input with dx runs <see cref="Pass.InputGradient"/> after it.
    /// </summary>
    public void RunSplit()
    {
        long bytes = Kind == Pass.Backward ? 3 * Shape.Bytes : 2 * Shape.Bytes;
        WorkerPool.Run(ref this, WorkerPool.PartsFor(bytes, FinestParts));
        if (Kind == Pass.Backward && Shape.Length == 1 && Dx != null)
        {
            var inputGradient = this;
            inputGradient.Kind = Pass.InputGradient;
            WorkerPool.Run(ref inputGradient, WorkerPool.PartsFor(3 * Shape.Bytes, inputGradient.FinestParts));
        }
    }

    /// <inheritdoc/>
    public readonly void Run(int part, int parts)
    {
        if (ByRows)
        {
            int firstRow = (int)((long)Shape.Batch * part / parts);
            int endRow = (int)((long)Shape.Batch * (part + 1) / parts);
            if (firstRow < endRow)
            {
                RunRows(firstRow, endRow);
            }
            return;
        }

        int granules = FinestParts;
        int first = Math.Min(Shape.Features, (int)((long)granules * part / parts) * Granule);
        int end = Math.Min(Shape.Features, (int)((long)granules * (part + 1) / parts) * Granule);
        if (first >= end)
        {
            return;
        }
        switch (Kind)
        {
            case Pass.Statistics:
                Statistics(first, end);
                break;
            case Pass.Normalize:
                Normalize(first, end);
                break;
            default:
                Backward(first, end);
                break;
        }
    }

    /// <summary>Normalisation or input gradient of rows [<paramref name="firstRow"/>, <paramref name="endRow"/>), all
    /// features.</summary>
    private readonly void RunRows(int firstRow, int endRow)
    {
        int features = Shape.Features, rows = endRow - firstRow, start = firstRow * features, count = rows * features;
        ReadOnlySpan<double> x = Elements(X).Slice(start, count);
        bool streamOutput = Shape.Bytes >= StreamingStores.MinimumBytes; // too large to stay cached for its reader
        if (Kind == Pass.Normalize)
        {
            BatchNormTiles.Normalize(x, rows, features, 0, features, Features(Mean), Features(InvStd), Features(Gamma),
                Features(Beta), Elements(Y).Slice(start, count), streamOutput);
        }
        else if (UsedBatchStatistics)
        {
            BatchNormTiles.TrainingInputGradient(Elements(Dy).Slice(start, count), x, rows, features, 0, features,
                Features(Mean), Features(InvStd), Features(Scale), Features(SumDy), Features(SumDyXhat),
                Elements(Dx).Slice(start, count), streamOutput);
        }
        else
        {
            BatchNormSegments.Scale(Elements(Dy).Slice(start, count), rows, features, 1, 0, features, Features(Scale),
                Elements(Dx).Slice(start, count));
        }
    }

    private readonly void Statistics(int first, int end)
    {
        int count = Shape.Count;
        Span<double> mean = Features(Mean), sumSq = Features(SumSq), invStd = Features(InvStd);
        if (Shape.Length == 1)
        {
            ColumnMoments.MeanAndSquaredDeviations(Elements(X), Shape.Batch, Shape.Features, first, end, mean, sumSq);
        }
        else
        {
            BatchNormSegments.Statistics(Elements(X), Shape.Batch, Shape.Features, Shape.Length, first, end, mean,
                sumSq);
        }
        for (int c = first; c < end; c++)
        {
            invStd[c] = 1.0 / Math.Sqrt((sumSq[c] / count) + Eps); // biased variance, ε inside the root
        }
    }

    /// <summary>Normalisation of features [<paramref name="first"/>, <paramref name="end"/>) of a <c>[N, C, L]</c>
    /// input (a <c>[N, C]</c> input's is cut by rows: <see cref="RunRows"/>).</summary>
    private readonly void Normalize(int first, int end) =>
        BatchNormSegments.Normalize(Elements(X), Shape.Batch, Shape.Features, Shape.Length, first, end,
            Features(Mean), Features(InvStd), Features(Gamma), Features(Beta), Elements(Y));

    private readonly void Backward(int first, int end)
    {
        (int batch, int features, int length, int count) = (Shape.Batch, Shape.Features, Shape.Length, Shape.Count);
        ReadOnlySpan<double> dy = Elements(Dy), x = Elements(X), mean = Features(Mean), invStd = Features(InvStd);
        Span<double> sumDy = Features(SumDy), sumDyXhat = Features(SumDyXhat), scale = Features(Scale);
        bool needSums = UsedBatchStatistics || DGamma != null;
        if (needSums)
        {
            if (length == 1)
            {
                BatchNormTiles.GradientSums(dy, x, batch, features, first, end, mean, invStd, sumDy, sumDyXhat);
            }
            else
            {
                BatchNormSegments.GradientSums(dy, x, batch, features, length, first, end, mean, invStd, sumDy,
                    sumDyXhat);
            }
        }
        if (DGamma != null)
        {
            Elementwise.AddInPlace(sumDyXhat[first..end], Features(DGamma)[first..end]);
            Elementwise.AddInPlace(sumDy[first..end], Features(DBeta)[first..end]);
        }
        if (Dx == null)
        {
            return; // the input gradient is not needed
        }

        ReadOnlySpan<double> gamma = Features(Gamma);
        for (int c = first; c < end; c++)
        {
            scale[c] = gamma[c] * invStd[c];
        }
        if (UsedBatchStatistics)
        {
            // The mean and variance depend on every value of the feature, hence the two correction terms: means over
            // the N·L values, which the reductions above summed.
            for (int c = first; c < end; c++)
            {
                sumDy[c] /= count;
                sumDyXhat[c] /= count;
            }
        }
        if (length == 1)
        {
            return; // a [N, C] input's dx is the row-split InputGradient pass that RunSplit runs next
        }
        Span<double> dx = Elements(Dx);
        if (!UsedBatchStatistics)
        {
            // Running statistics are constants: the layer is an affine map per feature.
            BatchNormSegments.Scale(dy, batch, features, length, first, end, scale, dx);
            return;
        }
        BatchNormSegments.TrainingInputGradient(dy, x, batch, features, length, first, end, mean, invStd, scale,
            sumDy, sumDyXhat, dx);
    }

    private readonly Span<double> Elements(double* values) => new(values, Shape.Elements);

    private readonly Span<double> Features(double* values) => new(values, Shape.Features);
}
