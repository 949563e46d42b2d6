namespace BatchNormSharp;

/// <summary>
/// Multiplies the learning rate by <c>gamma</c> every epoch: PyTorch's <c>lr_scheduler.ExponentialLR</c>,
/// <c>lr = lr0 · gamma^epoch</c>.
/// </summary>
public sealed class ExponentialLR : ILearningRateSchedule
{
    /// <summary>Creates the schedule; the optimizer's current learning rate is the initial one.</summary>
    /// <param name="optimizer">The optimizer to drive.</param>
    /// <param name="gamma">The factor per epoch, 0 or more.</param>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public ExponentialLR(IOptimizer optimizer, double gamma)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        OptimizerChecks.InRange(gamma, 0.0, double.MaxValue, nameof(gamma));
        Optimizer = optimizer;
        Gamma = gamma;
    }

    /// <inheritdoc/>
    public IOptimizer Optimizer { get; }

    /// <summary>The factor per epoch.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    public int LastEpoch { get; private set; }

    /// <inheritdoc/>
    public void Step()
    {
        LastEpoch++;
        Optimizer.LearningRate *= Gamma;
    }
}
