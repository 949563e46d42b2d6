using System.Globalization;

namespace BatchNormSharp;

/// <summary>
/// Multiplies the learning rate by <c>factor</c> when a monitored metric has stopped improving for more than
/// <c>patience</c> epochs: PyTorch's <c>lr_scheduler.ReduceLROnPlateau</c>, with its defaults.
/// </summary>
/// <remarks>
/// <para>Call <see cref="Step(double)"/> once per epoch with the metric (a validation loss in <see cref="PlateauMode.Min"/>,
/// an accuracy in <see cref="PlateauMode.Max"/>). A metric counts as better than the best so far only by more than
/// <c>threshold</c> (relative or absolute). After <c>patience + 1</c> epochs in a row without improvement the learning
/// rate becomes <c>max(lr · factor, minLr)</c> — unless that changes it by <c>eps</c> or less — and the next
/// <c>cooldown</c> epochs do not count as bad.</para>
/// <code>
/// var plateau = new ReduceLROnPlateau(optimizer, factor: 0.5, patience: 3);
/// // after each epoch:
/// plateau.Step(validationLoss);
/// </code>
/// </remarks>
public sealed class ReduceLROnPlateau
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="optimizer">The optimizer to drive.</param>
    /// <param name="mode">Whether lower or higher metrics are better.</param>
    /// <param name="factor">The factor of each reduction, in [0, 1).</param>
    /// <param name="patience">The number of epochs without improvement tolerated, 0 or more.</param>
    /// <param name="threshold">The margin an improvement must exceed, 0 or more.</param>
    /// <param name="thresholdMode">Whether <paramref name="threshold"/> is a fraction of the best or an amount.</param>
    /// <param name="cooldown">Epochs after a reduction during which bad epochs are not counted, 0 or more.</param>
    /// <param name="minLearningRate">The learning rate is never reduced below this, 0 or more.</param>
    /// <param name="eps">A reduction of <paramref name="eps"/> or less is skipped, 0 or more.</param>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public ReduceLROnPlateau(IOptimizer optimizer, PlateauMode mode = PlateauMode.Min, double factor = 0.1,
        int patience = 10, double threshold = 1e-4, ThresholdMode thresholdMode = ThresholdMode.Relative,
        int cooldown = 0, double minLearningRate = 0.0, double eps = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (!(factor >= 0.0 && factor < 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor,
                $"factor must lie in [0, 1) (the learning rate is multiplied by it), but was " +
                $"{factor.ToString(CultureInfo.InvariantCulture)}.");
        }
        ArgumentOutOfRangeException.ThrowIfNegative(patience);
        ArgumentOutOfRangeException.ThrowIfNegative(cooldown);
        OptimizerChecks.InRange(threshold, 0.0, double.MaxValue, nameof(threshold));
        OptimizerChecks.InRange(minLearningRate, 0.0, double.MaxValue, nameof(minLearningRate));
        OptimizerChecks.InRange(eps, 0.0, double.MaxValue, nameof(eps));
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "mode must be PlateauMode.Min or PlateauMode.Max.");
        }
        if (!Enum.IsDefined(thresholdMode))
        {
            throw new ArgumentOutOfRangeException(nameof(thresholdMode), thresholdMode,
                "thresholdMode must be ThresholdMode.Relative or ThresholdMode.Absolute.");
        }
        Optimizer = optimizer;
        Mode = mode;
        Factor = factor;
        Patience = patience;
        Threshold = threshold;
        ThresholdMode = thresholdMode;
        Cooldown = cooldown;
        MinLearningRate = minLearningRate;
        Eps = eps;
        Best = mode == PlateauMode.Min ? double.PositiveInfinity : double.NegativeInfinity;
    }

    /// <summary>The optimizer whose learning rate the schedule sets.</summary>
    public IOptimizer Optimizer { get; }

    /// <summary>Whether lower or higher metrics are better.</summary>
    public PlateauMode Mode { get; }

    /// <summary>The factor of each reduction.</summary>
    public double Factor { get; }

    /// <summary>The number of epochs without improvement tolerated.</summary>
    public int Patience { get; }

    /// <summary>The margin an improvement must exceed.</summary>
    public double Threshold { get; }

    /// <summary>Whether the threshold is relative or absolute.</summary>
    public ThresholdMode ThresholdMode { get; }

    /// <summary>The epochs after a reduction during which bad epochs are not counted.</summary>
    public int Cooldown { get; }

    /// <summary>The floor of the learning rate.</summary>
    public double MinLearningRate { get; }

    /// <summary>The smallest change of the learning rate that is applied.</summary>
    public double Eps { get; }

    /// <summary>The best metric so far (±∞ before the first step).</summary>
    public double Best { get; private set; }

    /// <summary>The number of consecutive epochs without improvement (PyTorch's <c>num_bad_epochs</c>).</summary>
    public int NumBadEpochs { get; private set; }

    /// <summary>The number of cooldown epochs left.</summary>
    public int CooldownCounter { get; private set; }

    /// <summary>The number of <see cref="Step(double)"/> calls so far.</summary>
    public int LastEpoch { get; private set; }

    /// <summary>Records one epoch's metric and reduces the learning rate if the plateau has lasted too long.</summary>
    /// <param name="metric">The monitored value of this epoch.</param>
    /// <exception cref="ArgumentException">The metric is NaN (a diverged run; nothing is changed).</exception>
    public void Step(double metric)
    {
        if (double.IsNaN(metric))
        {
            throw new ArgumentException(
                "ReduceLROnPlateau expects a metric that is a number, but got NaN: the run has probably diverged. " +
                "Stop training or lower the learning rate.", nameof(metric));
        }
        LastEpoch++;
        if (IsBetter(metric))
        {
            Best = metric;
            NumBadEpochs = 0;
        }
        else
        {
            NumBadEpochs++;
        }
        if (CooldownCounter > 0)
        {
            CooldownCounter--;
            NumBadEpochs = 0; // bad epochs in cooldown are ignored
        }
        if (NumBadEpochs > Patience)
        {
            double old = Optimizer.LearningRate;
            double reduced = Math.Max(old * Factor, MinLearningRate);
            if (old - reduced > Eps)
            {
                Optimizer.LearningRate = reduced;
            }
            CooldownCounter = Cooldown;
            NumBadEpochs = 0;
        }
    }

    private bool IsBetter(double metric) => (Mode, ThresholdMode) switch
    {
        (PlateauMode.Min, ThresholdMode.Relative) => metric < Best * (1.0 - Threshold),
        (PlateauMode.Min, ThresholdMode.Absolute) => metric < Best - Threshold,
        (PlateauMode.Max, ThresholdMode.Relative) => metric > Best * (Threshold + 1.0),
        _ => metric > Best + Threshold,
    };
}
