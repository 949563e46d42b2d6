namespace BatchNormSharp;

/// <summary>Whether <see cref="ReduceLROnPlateau"/> waits for the metric to fall (a loss) or to rise (an accuracy).</summary>
public enum PlateauMode
{
    /// <summary>Lower is better (PyTorch's <c>mode="min"</c>, the default).</summary>
    Min,

    /// <summary>Higher is better (<c>mode="max"</c>).</summary>
    Max,
}
