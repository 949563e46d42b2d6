namespace BatchNormSharp;

/// <summary>Why <see cref="Trainer.Fit(Tensor, Tensor, FitOptions?, IProgress{TrainingProgress}?, CancellationToken)"/> returned.</summary>
public enum StopReason
{
    /// <summary>Every requested epoch ran.</summary>
    Completed,

    /// <summary>The monitored metric did not improve for <see cref="EarlyStopping.Patience"/> epochs in a row (at least
    /// one), as in Keras.</summary>
    EarlyStopped,

    /// <summary>The cancellation token was signalled; training stopped before the next batch. A cancel during an
    /// epoch's last batch lets that epoch complete (it is listed) and stops before the next epoch; after the last
    /// epoch, the reason is <see cref="Completed"/>.</summary>
    Cancelled,

    /// <summary>
    /// A batch's loss was NaN or infinite, or a <see cref="BatchNorm"/> refused the batch because its statistics were;
    /// training stopped before that batch's update.
    /// </summary>
    NonFiniteLoss,
}
