namespace BatchNormSharp.Tests;

/// <summary>
/// How far a result lies from a reference value, relative to the reference's own scale: the metric of the PyTorch
/// comparisons (limit 1e-10).
/// </summary>
/// <remarks>
/// <para>A per-feature quantity (a vector such as <c>running_var</c>, <c>dgamma</c>, or a scalar such as a loss) is
/// compared element by element: <c>|a - r| / |r|</c>.</para>
/// <para>A batch <c>[N, D]</c> (such as <c>y</c> or <c>dx</c>) is compared column by column against the column's
/// scale: <c>|a[i,j] - r[i,j]| / max_i |r[i,j]|</c>. Element-wise quotients mean nothing for such values, which are
/// centred on zero by construction (a normalised feature crosses zero), while the column's scale is what the
/// feature's rounding is proportional to. Columns are kept apart so that a feature of scale 1e-3 is not judged
/// against a neighbour of scale 1e3.</para>
/// <para>Where the reference is exactly zero (scale 0) only an exact zero matches. The deviation of a tensor is the
/// largest over its elements.</para>
/// </remarks>
internal static class Deviation
{
    /// <summary>The deviation of a vector, element-wise relative.</summary>
    public static double OfVector(ReadOnlySpan<double> actual, IReadOnlyList<double> reference)
    {
        actual.Length.Should().Be(reference.Count, "the result must have the reference's length");
        double worst = 0.0;
        for (int j = 0; j < actual.Length; j++)
        {
            worst = Worse(worst, Relative(actual[j], reference[j], Math.Abs(reference[j])));
        }
        return worst;
    }

    /// <summary>The deviation of a scalar, relative.</summary>
    public static double OfScalar(double actual, double reference) =>
        Relative(actual, reference, Math.Abs(reference));

    /// <summary>The deviation of a batch, each column relative to its largest reference magnitude.</summary>
    public static double OfMatrix(Tensor actual, IReadOnlyList<double[]> reference)
    {
        int rows = reference.Count, columns = rows == 0 ? 0 : reference[0].Length;
        actual.Shape.ToArray().Should().Equal([rows, columns], "the result must have the reference's shape");
        double worst = 0.0;
        for (int j = 0; j < columns; j++)
        {
            double scale = 0.0;
            for (int i = 0; i < rows; i++)
            {
                scale = Math.Max(scale, Math.Abs(reference[i][j]));
            }
            for (int i = 0; i < rows; i++)
            {
                worst = Worse(worst, Relative(actual[i, j], reference[i][j], scale));
            }
        }
        return worst;
    }

    private static double Relative(double actual, double reference, double scale)
    {
        double difference = Math.Abs(actual - reference);
        if (scale == 0.0)
        {
            return difference == 0.0 ? 0.0 : double.PositiveInfinity;
        }
        return double.IsNaN(difference) ? double.PositiveInfinity : difference / scale;
    }

    private static double Worse(double a, double b) => Math.Max(a, b);
}
