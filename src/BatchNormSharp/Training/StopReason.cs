namespace BatchNormSharp;

/// <summary>Why <see cref="Trainer.Fit"/> returned.</summary>
public enum StopReason
{
    /// <summary>Every requested epoch ran.</summary>
    Completed,

    /// <summary>The monitored metric stopped improving for more epochs than the patience allows.</summary>
    EarlyStopped,

    /// <summary>The cancellation token was signalled; training stopped before the next batch.</summary>
    Cancelled,

    /// <summary>
    /// A batch's loss was NaN or infinite, or a <see cref="BatchNorm"/> refused the batch because its statistics were;
    /// training stopped before that batch's update.
    /// </summary>
    NonFiniteLoss,
}
