namespace BatchNormSharp;

/// <summary>The look-back windows of a series and their next-value targets, made by <see cref="SeriesWindows.Create"/>.</summary>
/// <param name="Inputs">The windows, <c>[windows, lookBack, 1]</c>.</param>
/// <param name="Targets">The value after each window, <c>[windows, 1]</c>.</param>
public sealed record WindowedSeries(Tensor Inputs, Tensor Targets)
{
    /// <summary>The number of windows (rows of <see cref="Inputs"/> and <see cref="Targets"/>).</summary>
    public int Count => Targets.Shape[0];
}
