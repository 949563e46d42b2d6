namespace BatchNormSharp;

/// <summary>What <c>Fit</c> prints when no progress reporter is given: Keras's <c>verbose</c> 0 and 1.</summary>
public enum FitVerbosity
{
    /// <summary>Nothing (Keras's <c>verbose=0</c>).</summary>
    Silent,

    /// <summary>Keras-style progress through <see cref="ConsoleProgress"/>: <c>Epoch 3/15 - 7/7 - 2 ms/step - loss:
    /// 0.6437 - accuracy: 0.6570 - val_loss: …</c>, redrawn on one line on a terminal and one line per epoch when the
    /// output is redirected (Keras's <c>verbose=1</c> and <c>2</c>).</summary>
    Progress,
}
