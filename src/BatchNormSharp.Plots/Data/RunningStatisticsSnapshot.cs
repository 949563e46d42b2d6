using System.Globalization;

namespace BatchNormSharp.Plots;

/// <summary>A BatchNorm layer's running mean and running variance at one point of training, for
/// <see cref="TrainingPlots.RunningStatistics"/>. The caller collects them, e.g. after every epoch.</summary>
public sealed class RunningStatisticsSnapshot
{
    /// <summary>Records the given statistics (copied).</summary>
    /// <param name="step">Where in training: an epoch or batch number, as the caller counts.</param>
    /// <param name="runningMean">The running mean of each feature.</param>
    /// <param name="runningVariance">The running variance of each feature; as many as the means.</param>
    /// <exception cref="ArgumentNullException">A list is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The lists are empty or of different lengths.</exception>
    public RunningStatisticsSnapshot(double step, IReadOnlyList<double> runningMean,
        IReadOnlyList<double> runningVariance)
    {
        ArgumentNullException.ThrowIfNull(runningMean);
        ArgumentNullException.ThrowIfNull(runningVariance);
        if (runningMean.Count == 0 || runningMean.Count != runningVariance.Count)
        {
            throw new ArgumentException(
                $"Expected one running mean and one running variance per feature (at least one), but got " +
                $"{PlotGuard.Text(runningMean.Count)} means and {PlotGuard.Text(runningVariance.Count)} variances.",
                nameof(runningVariance));
        }
        Step = step;
        RunningMean = PlotGuard.ToArray(runningMean);
        RunningVariance = PlotGuard.ToArray(runningVariance);
    }

    /// <summary>Copies the running statistics of <paramref name="layer"/> now. Reads only: the layer's parameters,
    /// buffers and mode stay as they were.</summary>
    /// <param name="layer">A BatchNorm that tracks running statistics.</param>
    /// <param name="step">Where in training: an epoch or batch number.</param>
    /// <returns>The snapshot.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="layer"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The layer keeps no running statistics
    /// (<c>trackRunningStats: false</c>).</exception>
    public static RunningStatisticsSnapshot Of(BatchNorm layer, double step)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer.RunningMean is not { } mean || layer.RunningVar is not { } variance)
        {
            throw new ArgumentException(
                $"Expected a BatchNorm that tracks running statistics, but {layer} was built with " +
                "trackRunningStats: false, so it has none to record.", nameof(layer));
        }
        return new RunningStatisticsSnapshot(step, mean.ToArray(), variance.ToArray());
    }

    /// <summary>Where in training the snapshot was taken.</summary>
    public double Step { get; }

    /// <summary>The running mean of each feature.</summary>
    public IReadOnlyList<double> RunningMean { get; }

    /// <summary>The running variance of each feature.</summary>
    public IReadOnlyList<double> RunningVariance { get; }

    /// <summary>The number of features.</summary>
    public int Features => RunningMean.Count;

    /// <inheritdoc/>
    public override string ToString() =>
        $"running statistics of {Features.ToString(CultureInfo.InvariantCulture)} features at step " +
        Step.ToString(CultureInfo.InvariantCulture);
}
