namespace BatchNormSharp;

/// <summary>How <see cref="ReduceLROnPlateau"/> decides that a metric improved on the best so far.</summary>
public enum ThresholdMode
{
    /// <summary>By a fraction of the best: <c>metric &lt; best · (1 - threshold)</c> in min mode (PyTorch's
    /// <c>threshold_mode="rel"</c>, the default).</summary>
    Relative,

    /// <summary>By an amount: <c>metric &lt; best - threshold</c> in min mode (<c>threshold_mode="abs"</c>).</summary>
    Absolute,
}
