namespace BatchNormSharp;

/// <summary>
/// Follows the monitored metric epoch by epoch, as Keras's <c>EarlyStopping</c> does: keeps the best value (and a copy
/// of the weights when asked) and says when the patience has run out.
/// </summary>
internal sealed class EarlyStoppingMonitor(EarlyStopping settings, Layer model)
{
    private readonly WeightsSnapshot? _bestWeights = settings.RestoreBestWeights ? new WeightsSnapshot(model) : null;
    /// <summary>The best epoch so far, or <see langword="null"/> before the first (or while every value was NaN).</summary>
    public EpochMetrics? Best { get; private set; }

    /// <summary>How many epochs in a row have not improved on <see cref="Best"/>.</summary>
    public int EpochsWithoutImprovement { get; private set; }

    /// <summary>Records an epoch's results; returns <see langword="true"/> when training should stop.</summary>
    public bool ShouldStop(EpochMetrics epoch)
    {
        double current = epoch.Get(settings.Monitor)!.Value;
        if (IsImprovement(current))
        {
            Best = epoch;
            EpochsWithoutImprovement = 0;
            _bestWeights?.Capture();
            return false;
        }
        EpochsWithoutImprovement++;
        // Keras stops once the count reaches the patience, so 0 and 1 both stop at the first epoch without improvement.
        return EpochsWithoutImprovement >= Math.Max(settings.Patience, 1);
    }

    /// <summary>Puts back the best epoch's weights, if they were kept; returns whether it did.</summary>
    public bool RestoreBestWeights()
    {
        if (_bestWeights is null || Best is null)
        {
            return false;
        }
        _bestWeights.Restore();
        return true;
    }

    private bool IsImprovement(double current)
    {
        if (Best is null)
        {
            return !double.IsNaN(current);
        }
        double best = Best.Get(settings.Monitor)!.Value;
        return settings.Monitor.LowerIsBetter()
            ? current < best - settings.MinDelta
            : current > best + settings.MinDelta;
    }
}
