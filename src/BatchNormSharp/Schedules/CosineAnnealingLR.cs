namespace BatchNormSharp;

/// <summary>
/// Anneals the learning rate from its initial value to <c>etaMin</c> along a half cosine over <c>tMax</c> epochs, then
/// back up over the next <c>tMax</c>, and so on: PyTorch's <c>lr_scheduler.CosineAnnealingLR</c> (without restarts).
/// </summary>
/// <remarks>
/// Computed as PyTorch computes it, recursively from the current learning rate:
/// <c>lr_t = (1 + cos(π t / T)) / (1 + cos(π (t - 1) / T)) · (lr_{t-1} - ηmin) + ηmin</c>, and at the turning points
/// (<c>(t - 1 - T) mod 2T = 0</c>) <c>lr_t = lr_{t-1} + (lr0 - ηmin)(1 - cos(π / T)) / 2</c>. Without outside changes
/// this equals the closed form <c>ηmin + (lr0 - ηmin)(1 + cos(π t / T)) / 2</c> up to rounding; the recursive form is
/// what reproduces PyTorch's sequence to the last bits.
/// </remarks>
public sealed class CosineAnnealingLR : ILearningRateSchedule
{
    /// <summary>Creates the schedule; the optimizer's current learning rate is the initial one (<c>lr0</c>).</summary>
    /// <param name="optimizer">The optimizer to drive.</param>
    /// <param name="tMax">The number of epochs of a half period, 1 or more.</param>
    /// <param name="etaMin">The smallest learning rate, 0 or more (PyTorch's default 0).</param>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public CosineAnnealingLR(IOptimizer optimizer, int tMax, double etaMin = 0.0)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentOutOfRangeException.ThrowIfLessThan(tMax, 1);
        OptimizerChecks.InRange(etaMin, 0.0, double.MaxValue, nameof(etaMin));
        Optimizer = optimizer;
        TMax = tMax;
        EtaMin = etaMin;
        BaseLearningRate = optimizer.LearningRate;
    }

    /// <inheritdoc/>
    public IOptimizer Optimizer { get; }

    /// <summary>The number of epochs of a half period.</summary>
    public int TMax { get; }

    /// <summary>The smallest learning rate.</summary>
    public double EtaMin { get; }

    /// <summary>The learning rate when the schedule was created (PyTorch's <c>base_lrs[0]</c>).</summary>
    public double BaseLearningRate { get; }

    /// <inheritdoc/>
    public int LastEpoch { get; private set; }

    /// <inheritdoc/>
    public void Step()
    {
        LastEpoch++;
        double lr = Optimizer.LearningRate;
        int period = 2 * TMax;
        // Python's % is never negative; C#'s is, for a negative left side.
        int phase = (((LastEpoch - 1 - TMax) % period) + period) % period;
        double next = phase == 0
            ? lr + ((BaseLearningRate - EtaMin) * (1.0 - Math.Cos(Math.PI / TMax)) / 2.0)
            : ((1.0 + Math.Cos(Math.PI * LastEpoch / TMax)) / (1.0 + Math.Cos(Math.PI * (LastEpoch - 1) / TMax)) *
               (lr - EtaMin)) + EtaMin;
        // Rounding can leave a hair below zero at the bottom when etaMin is 0; a learning rate cannot be negative.
        Optimizer.LearningRate = Math.Max(next, 0.0);
    }
}
