using System.Globalization;

namespace BatchNormSharp;

/// <summary>
/// A per-feature affine map on the last dimension, <c>y[j] = (x[j] - Center[j]) · Scale[j] + Offset[j]</c>: what an
/// inference-mode BatchNorm or Normalization computes, and what <see cref="BatchNormFolding.FoldBatchNorm"/> merges into
/// the layer in front of it. The centre is kept apart from the offset (rather than one shift) so that a folded model
/// takes the difference <c>x - Center</c> first, as the layer it replaces does.
/// </summary>
public sealed class PerFeatureAffine
{
    private readonly double[] _center, _scale, _offset;

    /// <summary>Creates the map from copies of its three vectors.</summary>
    /// <param name="center">Subtracted first, per feature.</param>
    /// <param name="scale">The factor per feature.</param>
    /// <param name="offset">Added last, per feature.</param>
    /// <exception cref="ArgumentException">The vectors are empty or of different lengths.</exception>
    public PerFeatureAffine(ReadOnlySpan<double> center, ReadOnlySpan<double> scale, ReadOnlySpan<double> offset)
    {
        if (center.IsEmpty || scale.Length != center.Length || offset.Length != center.Length)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"A per-feature affine map expects three non-empty vectors of one length (one value per feature), but " +
                $"got center {center.Length}, scale {scale.Length} and offset {offset.Length} values."), nameof(scale));
        }
        _center = center.ToArray();
        _scale = scale.ToArray();
        _offset = offset.ToArray();
    }

    /// <summary>The number of features the map acts on.</summary>
    public int Features => _center.Length;

    /// <summary>Subtracted first, per feature.</summary>
    public ReadOnlySpan<double> Center => _center;

    /// <summary>The factor per feature.</summary>
    public ReadOnlySpan<double> Scale => _scale;

    /// <summary>Added last, per feature.</summary>
    public ReadOnlySpan<double> Offset => _offset;
}
