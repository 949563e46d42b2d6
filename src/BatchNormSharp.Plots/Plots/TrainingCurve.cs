namespace BatchNormSharp.Plots;

/// <summary>Which pair of curves <see cref="TrainingPlots.Curves"/> draws.</summary>
public enum TrainingCurve
{
    /// <summary>Training and validation loss (Keras's <c>loss</c> and <c>val_loss</c>).</summary>
    Loss,

    /// <summary>Training and validation accuracy (Keras's <c>accuracy</c> and <c>val_accuracy</c>).</summary>
    Accuracy,
}
