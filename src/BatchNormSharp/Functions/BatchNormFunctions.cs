using System.Buffers;
using System.Globalization;

namespace BatchNormSharp;

/// <summary>
/// Batch normalisation as stateless span functions, in the spirit of PyTorch's <c>F.batch_norm</c> and cs231n's
/// <c>batchnorm_forward(x) -&gt; out, cache</c> / <c>batchnorm_backward(dout, cache)</c>: the caller owns parameters,
/// running statistics and the <see cref="BatchNormCache"/>, and decides the averaging factor. Inputs are
/// <c>[N, C]</c> or <c>[N, C, L]</c> (<see cref="BatchNormShape"/>), statistics per feature over batch and length,
/// exactly as <c>torch.nn.BatchNorm1d</c>.
/// </summary>
/// <remarks>
/// <para>Each pass is split across <see cref="Kernels.WorkerPool"/> by whole features; every feature is computed whole
/// by one thread in a fixed order, so results are bit-identical for any thread count. <c>[N, C]</c> inputs take the
/// tiled path (<see cref="Kernels.BatchNormTiles"/>), <c>[N, C, L]</c> inputs the segment path
/// (<see cref="Kernels.BatchNormSegments"/>).</para>
/// <para>Every length is checked before any memory is touched; a refused call writes nothing.</para>
/// </remarks>
internal static unsafe class BatchNormFunctions
{
    /// <summary>Features up to which <see cref="InferenceForward"/> keeps its scratch on the stack.</summary>
    private const int StackFeatures = 256;

    /// <summary>
    /// The training forward pass, refusing non-finite statistics: two-pass mean and biased variance of each feature
    /// into <paramref name="cache"/>, then <c>y = (x - mean) / √(var + ε) · γ + β</c>.
    /// </summary>
    /// <returns>-1 when done; else the first feature whose mean or sum of squared deviations is NaN or infinite, in
    /// which case neither <paramref name="y"/> nor the cache's statistics were changed (read the refused values with
    /// <see cref="BatchNormCache.PendingMean"/> and <see cref="BatchNormCache.PendingVariance"/>).</returns>
    /// <exception cref="ArgumentException">A span is shorter than the shape needs, the cache serves another feature
    /// count, or a feature has a single value (N·L = 1), whose variance is meaningless.</exception>
    public static int TrainingForward(ReadOnlySpan<double> x, BatchNormShape shape, ReadOnlySpan<double> gamma,
        ReadOnlySpan<double> beta, double eps, BatchNormCache cache, Span<double> y) =>
        BatchStatisticsForward(x, shape, gamma, beta, eps, cache, y, refuseNonFinite: true);

    /// <summary>
    /// Normalisation with the batch's own statistics that never refuses (a layer without running statistics in
    /// inference mode: a NaN input gives NaN outputs, as in PyTorch). Otherwise as <see cref="TrainingForward"/>.
    /// </summary>
    /// <returns>The first non-finite feature, or -1; the output is written either way.</returns>
    /// <exception cref="ArgumentException">As <see cref="TrainingForward"/>.</exception>
    public static int BatchStatisticsForward(ReadOnlySpan<double> x, BatchNormShape shape, ReadOnlySpan<double> gamma,
        ReadOnlySpan<double> beta, double eps, BatchNormCache cache, Span<double> y) =>
        BatchStatisticsForward(x, shape, gamma, beta, eps, cache, y, refuseNonFinite: false);

    /// <summary>
    /// The inference forward pass with fixed statistics: <c>y = (x - runningMean) / √(runningVar + ε) · γ + β</c>.
    /// Writes nothing but <paramref name="y"/>, so many threads may call it at once on the same parameters.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than the shape needs.</exception>
    public static void InferenceForward(ReadOnlySpan<double> x, BatchNormShape shape, ReadOnlySpan<double> runningMean,
        ReadOnlySpan<double> runningVar, ReadOnlySpan<double> gamma, ReadOnlySpan<double> beta, double eps,
        Span<double> y)
    {
        int features = shape.Features;
        RequireElements(x.Length, shape, nameof(x));
        RequireElements(y.Length, shape, nameof(y));
        RequireFeatures(runningMean.Length, features, nameof(runningMean));
        RequireFeatures(runningVar.Length, features, nameof(runningVar));
        RequireFeatures(gamma.Length, features, nameof(gamma));
        RequireFeatures(beta.Length, features, nameof(beta));

        double[]? rented = features > StackFeatures ? ArrayPool<double>.Shared.Rent(features) : null;
        Span<double> invStd = rented is null ? stackalloc double[features] : rented.AsSpan(0, features);
        try
        {
            InverseStd(runningVar, eps, invStd);
            Normalize(x, shape, runningMean, invStd, gamma, beta, y);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<double>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Normalisation with the batch's own statistics that writes nothing but <paramref name="y"/> (inference of a
    /// layer without running statistics, as PyTorch's <c>F.batch_norm</c> without them): the statistics go to scratch
    /// rented for the call. Same bits as <see cref="BatchStatisticsForward(ReadOnlySpan{double}, BatchNormShape,
    /// ReadOnlySpan{double}, ReadOnlySpan{double}, double, BatchNormCache, Span{double})"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than the shape needs, or N·L = 1.</exception>
    public static void BatchStatisticsInference(ReadOnlySpan<double> x, BatchNormShape shape,
        ReadOnlySpan<double> gamma, ReadOnlySpan<double> beta, double eps, Span<double> y)
    {
        RequireBatchStatisticsArguments(x, shape, gamma, beta, y);
        int features = shape.Features;
        double[] scratch = ArrayPool<double>.Shared.Rent(3 * features);
        try
        {
            Span<double> mean = scratch.AsSpan(0, features);
            Span<double> invStd = scratch.AsSpan(features, features);
            Statistics(x, shape, eps, mean, invStd, scratch.AsSpan(2 * features, features));
            Normalize(x, shape, mean, invStd, gamma, beta, y);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(scratch);
        }
    }

    /// <summary>
    /// <see cref="InferenceForward"/> that also records the fixed statistics in <paramref name="cache"/>, so that
    /// <see cref="Backward"/> can follow with the frozen-statistics form (fine-tuning with frozen BatchNorm). Same bits
    /// in <paramref name="y"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than the shape needs, or the cache serves another
    /// feature count.</exception>
    public static void FrozenForward(ReadOnlySpan<double> x, BatchNormShape shape, ReadOnlySpan<double> runningMean,
        ReadOnlySpan<double> runningVar, ReadOnlySpan<double> gamma, ReadOnlySpan<double> beta, double eps,
        BatchNormCache cache, Span<double> y)
    {
        ArgumentNullException.ThrowIfNull(cache);
        cache.RequireFeatures(shape.Features, nameof(cache));
        RequireElements(x.Length, shape, nameof(x));
        RequireElements(y.Length, shape, nameof(y));
        RequireFeatures(runningMean.Length, shape.Features, nameof(runningMean));
        RequireFeatures(runningVar.Length, shape.Features, nameof(runningVar));
        RequireFeatures(gamma.Length, shape.Features, nameof(gamma));
        RequireFeatures(beta.Length, shape.Features, nameof(beta));
        cache.SetFrozen(shape, runningMean[..shape.Features], runningVar[..shape.Features], eps);
        Normalize(x, shape, cache.Mean, cache.InvStd, gamma, beta, y);
    }

    /// <summary>
    /// The backward pass of the forward pass recorded in <paramref name="cache"/>: with batch statistics the training
    /// form <c>dx = γ/σ · (dy - mean(dy) - x̂ · mean(dy · x̂))</c> (means over N·L), with fixed statistics the frozen
    /// form <c>dx = dy · γ / √(runningVar + ε)</c>. <c>dγ += Σ dy · x̂</c> and <c>dβ += Σ dy</c> (gradients
    /// accumulate).
    /// </summary>
    /// <param name="dy">dL/dy, the shape of the forward pass.</param>
    /// <param name="x">The forward pass's input, unchanged since.</param>
    /// <param name="shape">The forward pass's shape.</param>
    /// <param name="gamma">γ (ones for a layer without affine parameters).</param>
    /// <param name="cache">The forward pass's cache.</param>
    /// <param name="dx">dL/dx, or an empty span when the input gradient is not needed (that pass is skipped).</param>
    /// <param name="dgamma">Added to; or empty, with <paramref name="dbeta"/>, when there are no parameters.</param>
    /// <param name="dbeta">Added to; or empty, with <paramref name="dgamma"/>.</param>
    /// <exception cref="InvalidOperationException">The cache holds no forward pass.</exception>
    /// <exception cref="ArgumentException">The shape differs from the forward pass's, or a span is too short.</exception>
    public static void Backward(ReadOnlySpan<double> dy, ReadOnlySpan<double> x, BatchNormShape shape,
        ReadOnlySpan<double> gamma, BatchNormCache cache, Span<double> dx, Span<double> dgamma, Span<double> dbeta)
    {
        ArgumentNullException.ThrowIfNull(cache);
        if (!cache.IsFilled)
        {
            throw new InvalidOperationException(
                "BatchNorm backward needs the cache of a forward pass, but this cache holds none. Run a forward " +
                "pass with this cache first.");
        }
        if (cache.Shape != shape)
        {
            throw new ArgumentException(
                $"BatchNorm backward expected the shape of its forward pass, {cache.Shape}, but got {shape}.",
                nameof(shape));
        }
        int features = shape.Features;
        RequireElements(dy.Length, shape, nameof(dy));
        RequireElements(x.Length, shape, nameof(x));
        RequireFeatures(gamma.Length, features, nameof(gamma));
        if (!dx.IsEmpty)
        {
            RequireElements(dx.Length, shape, nameof(dx));
        }
        if (dgamma.IsEmpty != dbeta.IsEmpty)
        {
            throw new ArgumentException(
                "BatchNorm backward expected dgamma and dbeta both given or both empty, but got one of them.",
                dgamma.IsEmpty ? nameof(dgamma) : nameof(dbeta));
        }
        if (!dgamma.IsEmpty)
        {
            RequireFeatures(dgamma.Length, features, nameof(dgamma));
            RequireFeatures(dbeta.Length, features, nameof(dbeta));
        }

        fixed (double* pdy = dy, px = x, pg = gamma, pdx = dx, pdg = dgamma, pdb = dbeta)
        fixed (double* pm = cache.Mean, pr = cache.InvStd, psd = cache.SumDy, psh = cache.SumDyXhat,
               ps = cache.Scale)
        {
            var work = new BatchNormParts
            {
                Kind = BatchNormParts.Pass.Backward,
                Shape = shape,
                UsedBatchStatistics = cache.UsedBatchStatistics,
                Dy = pdy,
                X = px,
                Gamma = pg,
                Dx = dx.IsEmpty ? null : pdx,
                DGamma = dgamma.IsEmpty ? null : pdg,
                DBeta = dbeta.IsEmpty ? null : pdb,
                Mean = pm,
                InvStd = pr,
                SumDy = psd,
                SumDyXhat = psh,
                Scale = ps,
            };
            work.RunSplit();
        }
    }

    /// <summary>
    /// Moves running statistics towards the batch statistics in <paramref name="cache"/>:
    /// <c>running = factor · batch + (1 - factor) · running</c>, the variance fed in unbiased (÷ (N·L - 1), PyTorch)
    /// or biased (÷ N·L, Keras, ONNX, cs231n). The caller chooses the factor (momentum, or 1 / batches tracked).
    /// </summary>
    /// <exception cref="InvalidOperationException">The cache holds no batch-statistics pass.</exception>
    /// <exception cref="ArgumentException">A span is shorter than the feature count.</exception>
    public static void UpdateRunningStatistics(BatchNormCache cache, double factor, bool unbiased,
        Span<double> runningMean, Span<double> runningVar)
    {
        ArgumentNullException.ThrowIfNull(cache);
        if (!cache.IsFilled || !cache.UsedBatchStatistics)
        {
            throw new InvalidOperationException(
                "Running statistics move towards the statistics of a batch, but the cache holds no batch-statistics " +
                "forward pass. Run TrainingForward with this cache first.");
        }
        int features = cache.Features;
        RequireFeatures(runningMean.Length, features, nameof(runningMean));
        RequireFeatures(runningVar.Length, features, nameof(runningVar));
        int count = cache.Shape.Count;
        double varianceDivisor = unbiased ? count - 1 : count;
        ReadOnlySpan<double> mean = cache.Mean, sumSq = cache.SumSquaredDeviations;
        for (int c = 0; c < features; c++)
        {
            double batchVariance = sumSq[c] / varianceDivisor;
            runningMean[c] = (factor * mean[c]) + ((1.0 - factor) * runningMean[c]);
            runningVar[c] = (factor * batchVariance) + ((1.0 - factor) * runningVar[c]);
        }
    }

    /// <summary><c>invStd[c] = 1 / √(variance[c] + ε)</c>, ε inside the root.</summary>
    public static void InverseStd(ReadOnlySpan<double> variance, double eps, Span<double> invStd)
    {
        for (int c = 0; c < invStd.Length; c++)
        {
            invStd[c] = 1.0 / Math.Sqrt(variance[c] + eps);
        }
    }

    private static int BatchStatisticsForward(ReadOnlySpan<double> x, BatchNormShape shape, ReadOnlySpan<double> gamma,
        ReadOnlySpan<double> beta, double eps, BatchNormCache cache, Span<double> y, bool refuseNonFinite)
    {
        ArgumentNullException.ThrowIfNull(cache);
        cache.RequireFeatures(shape.Features, nameof(cache));
        RequireBatchStatisticsArguments(x, shape, gamma, beta, y);

        cache.BeginPending(shape);
        var (mean, invStd, sumSq) = cache.Pending;
        Statistics(x, shape, eps, mean, invStd, sumSq);

        // A NaN or infinity anywhere in a feature makes its mean or its sum of squares non-finite, and so does a
        // feature whose squares overflow: C checks cover all N·C·L values.
        int nonFinite = -1;
        for (int c = 0; c < shape.Features; c++)
        {
            if (!double.IsFinite(mean[c]) || !double.IsFinite(sumSq[c]))
            {
                nonFinite = c;
                break;
            }
        }
        if (nonFinite >= 0 && refuseNonFinite)
        {
            return nonFinite;
        }
        cache.AcceptPending(shape);
        Normalize(x, shape, cache.Mean, cache.InvStd, gamma, beta, y);
        return nonFinite;
    }

    private static void RequireBatchStatisticsArguments(ReadOnlySpan<double> x, BatchNormShape shape,
        ReadOnlySpan<double> gamma, ReadOnlySpan<double> beta, Span<double> y)
    {
        RequireElements(x.Length, shape, nameof(x));
        RequireElements(y.Length, shape, nameof(y));
        RequireFeatures(gamma.Length, shape.Features, nameof(gamma));
        RequireFeatures(beta.Length, shape.Features, nameof(beta));
        if (shape.Count < 2)
        {
            throw new ArgumentException(
                $"BatchNorm with batch statistics expected more than 1 value per feature, but the input of shape " +
                $"{shape} has N·L = {shape.Count}. Use a larger batch, or inference mode with running statistics.",
                nameof(shape));
        }
    }

    /// <summary>Mean, <c>1 / √(var + ε)</c> and sum of squared deviations per feature, on the pool.</summary>
    private static void Statistics(ReadOnlySpan<double> x, BatchNormShape shape, double eps, Span<double> mean,
        Span<double> invStd, Span<double> sumSq)
    {
        fixed (double* px = x, pm = mean, pr = invStd, ps = sumSq)
        {
            var work = new BatchNormParts
            {
                Kind = BatchNormParts.Pass.Statistics, Shape = shape, Eps = eps, X = px, Mean = pm, InvStd = pr,
                SumSq = ps,
            };
            work.RunSplit();
        }
    }

    /// <summary><c>y = (x - mean) · invStd · γ + β</c> on the pool; lengths already checked.</summary>
    private static void Normalize(ReadOnlySpan<double> x, BatchNormShape shape, ReadOnlySpan<double> mean,
        ReadOnlySpan<double> invStd, ReadOnlySpan<double> gamma, ReadOnlySpan<double> beta, Span<double> y)
    {
        fixed (double* px = x, pm = mean, pr = invStd, pg = gamma, pb = beta, py = y)
        {
            var work = new BatchNormParts
            {
                Kind = BatchNormParts.Pass.Normalize, Shape = shape, X = px, Mean = pm, InvStd = pr, Gamma = pg,
                Beta = pb, Y = py,
            };
            work.RunSplit();
        }
    }

    private static void RequireElements(int length, BatchNormShape shape, string parameterName)
    {
        if (length < shape.Elements)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"BatchNorm expected {parameterName} to hold the {shape.Elements} values of shape {shape}, but its " +
                $"span holds {length}. Pass a span of the whole input."), parameterName);
        }
    }

    private static void RequireFeatures(int length, int features, string parameterName)
    {
        if (length < features)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"BatchNorm expected {parameterName} to hold one value per feature ({features}), but its span holds " +
                $"{length}."), parameterName);
        }
    }
}
