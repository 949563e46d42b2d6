using System.Diagnostics.CodeAnalysis;

namespace BatchNormSharp;

/// <summary>
/// A layer whose inference-mode output is a constant per-feature affine map of its input (<see cref="PerFeatureAffine"/>),
/// so that <see cref="BatchNormFolding.FoldBatchNorm"/> can merge it into the layer in front of it when that layer
/// implements <see cref="IAffineAbsorbingLayer"/>. <see cref="BatchNorm"/> (with running statistics) and
/// <see cref="Normalization"/> implement it; a layer of your own may too.
/// </summary>
public interface IPerFeatureAffineLayer
{
    /// <summary>The map the layer computes in inference mode, when it is constant.</summary>
    /// <param name="affine">The map, on the last dimension; <see langword="null"/> when not constant.</param>
    /// <returns><see langword="false"/> when the inference output is not such a map (a BatchNorm without running
    /// statistics normalises with the batch's statistics even in inference).</returns>
    bool TryGetInferenceAffine([NotNullWhen(true)] out PerFeatureAffine? affine);
}
