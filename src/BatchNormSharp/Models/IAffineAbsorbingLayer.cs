namespace BatchNormSharp;

/// <summary>
/// A layer that can absorb a per-feature affine map applied to its output, becoming one new layer that computes both
/// (<see cref="Dense"/>: <c>((x·W + b) - c)·s + o = x·(W·s) + ((b - c)·s + o)</c>). <see cref="BatchNormFolding.FoldBatchNorm"/>
/// uses it with the <see cref="IPerFeatureAffineLayer"/> that follows; a layer of your own may implement it too.
/// </summary>
public interface IAffineAbsorbingLayer
{
    /// <summary>
    /// A new layer computing this layer's inference output followed by <paramref name="affine"/>, holding copies of
    /// every value it needs; this layer is not changed.
    /// </summary>
    /// <param name="affine">The map applied to this layer's output, per output feature.</param>
    /// <returns>The new layer, or <see langword="null"/> when the map does not fit (another number of features).</returns>
    Layer? AbsorbFollowingAffine(PerFeatureAffine affine);
}
