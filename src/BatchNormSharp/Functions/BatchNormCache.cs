using System.Globalization;

namespace BatchNormSharp;

/// <summary>
/// What a BatchNorm forward pass leaves for its backward pass (cs231n's <c>cache</c>): per feature the mean and
/// <c>1 / √(var + ε)</c> it normalised with, the sum of squared deviations of a batch-statistics pass, whether the
/// statistics were the batch's own, and the shape it ran on. Owned by the caller, sized for a feature count and
/// reused by every call; a layer may own several (one per time step).
/// </summary>
/// <remarks>
/// A training forward pass computes its statistics into a second set of arrays and swaps the two only when every
/// feature's statistics are finite, so a refused batch leaves the cache, and the backward pass it serves, as it was.
/// The arrays for the backward reductions live here too, so that no call allocates.
/// </remarks>
internal sealed class BatchNormCache
{
    private double[] _mean;
    private double[] _invStd;
    private double[] _sumSquaredDeviations;
    private double[] _pendingMean;
    private double[] _pendingInvStd;
    private double[] _pendingSumSquaredDeviations;
    private BatchNormShape _pendingShape;

    /// <summary>A cache for inputs of <paramref name="features"/> features.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="features"/> is below 1.</exception>
    public BatchNormCache(int features)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        Features = features;
        _mean = new double[features];
        _invStd = new double[features];
        _sumSquaredDeviations = new double[features];
        _pendingMean = new double[features];
        _pendingInvStd = new double[features];
        _pendingSumSquaredDeviations = new double[features];
        SumDy = new double[features];
        SumDyXhat = new double[features];
        Scale = new double[features];
    }

    /// <summary>The number of features C this cache serves.</summary>
    public int Features { get; }

    /// <summary>Whether a forward pass has filled the cache.</summary>
    public bool IsFilled { get; private set; }

    /// <summary>Whether the last forward pass normalised with the batch's own statistics (training form of the
    /// backward pass) rather than fixed running statistics (frozen form).</summary>
    public bool UsedBatchStatistics { get; private set; }

    /// <summary>The shape of the last forward pass's input.</summary>
    public BatchNormShape Shape { get; private set; }

    /// <summary>Per feature, the mean the last forward pass normalised with.</summary>
    public ReadOnlySpan<double> Mean => _mean;

    /// <summary>Per feature, <c>1 / √(var + ε)</c> of the last forward pass.</summary>
    public ReadOnlySpan<double> InvStd => _invStd;

    /// <summary>Per feature, <c>Σ (x - mean)²</c> of the last batch-statistics pass (the variance is this / count).</summary>
    public ReadOnlySpan<double> SumSquaredDeviations => _sumSquaredDeviations;

    /// <summary>Scratch of the backward pass: per feature <c>Σ dy</c>.</summary>
    internal double[] SumDy { get; }

    /// <summary>Scratch of the backward pass: per feature <c>Σ dy · x̂</c>.</summary>
    internal double[] SumDyXhat { get; }

    /// <summary>Scratch of the backward pass: per feature <c>γ · invStd</c>.</summary>
    internal double[] Scale { get; }

    /// <summary>The arrays a batch-statistics pass computes into before they are accepted.</summary>
    internal (double[] Mean, double[] InvStd, double[] SumSquaredDeviations) Pending =>
        (_pendingMean, _pendingInvStd, _pendingSumSquaredDeviations);

    /// <summary>The mean of a feature of the last pending (possibly refused) batch statistics.</summary>
    public double PendingMean(int feature) => _pendingMean[feature];

    /// <summary>The biased variance of a feature of the last pending (possibly refused) batch statistics.</summary>
    public double PendingVariance(int feature) => _pendingSumSquaredDeviations[feature] / _pendingShape.Count;

    /// <summary>Starts a batch-statistics pass on <paramref name="shape"/>: its statistics go to the pending arrays.</summary>
    internal void BeginPending(BatchNormShape shape) => _pendingShape = shape;

    /// <summary>Makes the pending batch statistics the cache's, for <paramref name="shape"/>.</summary>
    internal void AcceptPending(BatchNormShape shape)
    {
        (_mean, _pendingMean) = (_pendingMean, _mean);
        (_invStd, _pendingInvStd) = (_pendingInvStd, _invStd);
        (_sumSquaredDeviations, _pendingSumSquaredDeviations) =
            (_pendingSumSquaredDeviations, _sumSquaredDeviations);
        Record(shape, usedBatchStatistics: true);
    }

    /// <summary>Records fixed statistics: the running mean and <c>1 / √(runningVar + ε)</c>.</summary>
    internal void SetFrozen(BatchNormShape shape, ReadOnlySpan<double> runningMean, ReadOnlySpan<double> runningVar,
        double eps)
    {
        runningMean.CopyTo(_mean);
        BatchNormFunctions.InverseStd(runningVar, eps, _invStd);
        _sumSquaredDeviations.AsSpan().Clear();
        Record(shape, usedBatchStatistics: false);
    }

    /// <summary>Requires the cache to serve <paramref name="features"/> features.</summary>
    internal void RequireFeatures(int features, string parameterName)
    {
        if (features != Features)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The BatchNorm cache was made for {Features} features, but the input has {features}. Use a cache " +
                $"made with new BatchNormCache(features) for this input."), parameterName);
        }
    }

    private void Record(BatchNormShape shape, bool usedBatchStatistics)
    {
        Shape = shape;
        UsedBatchStatistics = usedBatchStatistics;
        IsFilled = true;
    }
}
