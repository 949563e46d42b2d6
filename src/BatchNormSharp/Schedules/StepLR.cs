namespace BatchNormSharp;

/// <summary>
/// Multiplies the learning rate by <c>gamma</c> every <c>stepSize</c> epochs: PyTorch's
/// <c>lr_scheduler.StepLR</c>, <c>lr = lr0 · gamma^⌊epoch / stepSize⌋</c>.
/// </summary>
public sealed class StepLR : ILearningRateSchedule
{
    /// <summary>Creates the schedule; the optimizer's current learning rate is the initial one.</summary>
    /// <param name="optimizer">The optimizer to drive.</param>
    /// <param name="stepSize">The number of epochs between decays, 1 or more.</param>
    /// <param name="gamma">The factor of each decay, 0 or more (PyTorch's default 0.1).</param>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public StepLR(IOptimizer optimizer, int stepSize, double gamma = 0.1)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentOutOfRangeException.ThrowIfLessThan(stepSize, 1);
        OptimizerChecks.InRange(gamma, 0.0, double.MaxValue, nameof(gamma));
        Optimizer = optimizer;
        StepSize = stepSize;
        Gamma = gamma;
    }

    /// <inheritdoc/>
    public IOptimizer Optimizer { get; }

    /// <summary>The number of epochs between decays.</summary>
    public int StepSize { get; }

    /// <summary>The factor of each decay.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    public int LastEpoch { get; private set; }

    /// <inheritdoc/>
    public void Step()
    {
        LastEpoch++;
        if (LastEpoch % StepSize == 0)
        {
            Optimizer.LearningRate *= Gamma;
        }
    }
}
