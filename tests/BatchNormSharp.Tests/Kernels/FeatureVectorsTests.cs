using BatchNormSharp.Kernels;

namespace BatchNormSharp.Tests.Kernels;

/// <summary>
/// <see cref="FeatureVectors"/> must give the bits of the scalar formulas it replaces in the BN-LSTM cells' BatchNorm,
/// for any number of features (whole vectors, a tail, or only a tail), so that vectorising changed no result.
/// </summary>
public class FeatureVectorsTests
{
    public static TheoryData<int> Lengths => new() { 1, 3, 4, 5, 8, 13, 64, 67 };

    [Theory]
    [MemberData(nameof(Lengths))]
    public void SquaredDeviations_EqualScalarFormulaBitForBit(int n)
    {
        var random = new Random(n);
        double[] x = Values(random, n, offset: 1e6), mean = Values(random, n, offset: 1e6);
        double[] sumSq = Values(random, n);
        double[] expectedSumSq = sumSq.Select((s, j) => s + ((x[j] - mean[j]) * (x[j] - mean[j]))).ToArray();

        FeatureVectors.AddSquaredDeviations(x, mean, sumSq);

        sumSq.Should().Equal(expectedSumSq);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Normalize_WithAndWithoutBeta_EqualsScalarFormulaBitForBit(int n)
    {
        var random = new Random(100 + n);
        double[] x = Values(random, n, offset: 50), mean = Values(random, n, offset: 50);
        double[] invStd = Values(random, n, offset: 2), gamma = Values(random, n, offset: 1), beta = Values(random, n);
        foreach (bool hasBeta in new[] { true, false })
        {
            double[] xhat = new double[n], y = new double[n];
            FeatureVectors.Normalize(x, mean, invStd, gamma, hasBeta ? beta : [], xhat, y);

            for (int j = 0; j < n; j++)
            {
                double h = (x[j] - mean[j]) * invStd[j];
                xhat[j].Should().Be(h);
                y[j].Should().Be((h * gamma[j]) + (hasBeta ? beta[j] : 0.0));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void GradientSumsAndInputGradient_EqualScalarFormulasBitForBit(int n)
    {
        var random = new Random(200 + n);
        double[] dy = Values(random, n), xhat = Values(random, n), scale = Values(random, n, offset: 1);
        double[] meanDy = Values(random, n), meanDyXhat = Values(random, n);
        double[] sumDy = Values(random, n), sumDyXhat = Values(random, n);
        double[] expectedSumDy = sumDy.Select((s, j) => s + dy[j]).ToArray();
        double[] expectedSumDyXhat = sumDyXhat.Select((s, j) => s + (dy[j] * xhat[j])).ToArray();
        double[] dx = new double[n];

        FeatureVectors.AddGradientSums(dy, xhat, sumDy, sumDyXhat);
        FeatureVectors.TrainingInputGradient(dy, xhat, scale, meanDy, meanDyXhat, dx);

        sumDy.Should().Equal(expectedSumDy);
        sumDyXhat.Should().Equal(expectedSumDyXhat);
        dx.Should().Equal(dy.Select((g, j) => scale[j] * (g - meanDy[j] - (xhat[j] * meanDyXhat[j]))));
    }

    private static double[] Values(Random random, int n, double offset = 0.0) =>
        Enumerable.Range(0, n).Select(_ => offset + (2.0 * random.NextDouble()) - 1.0).ToArray();
}
