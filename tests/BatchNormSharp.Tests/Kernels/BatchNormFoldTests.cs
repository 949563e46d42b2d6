using BatchNormSharp.Kernels;

namespace BatchNormSharp.Tests.Kernels;

public class BatchNormFoldTests
{
    [Fact]
    public void Scale_GammaAndVariance_IsGammaOverRootOfVariancePlusEps()
    {
        var scale = new double[2];

        BatchNormFold.Scale([2.0, -0.5], [3.0, 0.25], 1.0, scale);

        scale.Should().Equal(2.0 * (1.0 / Math.Sqrt(4.0)), -0.5 * (1.0 / Math.Sqrt(1.25)));
    }

    [Fact]
    public void Weight_InOutMatrix_ScalesEachOutputColumn()
    {
        var destination = new double[6];

        BatchNormFold.Weight([1, 2, 3, 4, 5, 6], inFeatures: 2, outFeatures: 3, [10, 100, -1], destination);

        destination.Should().Equal(10, 200, -3, 40, 500, -6);
    }

    [Fact]
    public void Bias_BiasMeanScaleBeta_IsShiftedScaledAndOffset()
    {
        var destination = new double[2];

        BatchNormFold.Bias([5.0, 1.0], [3.0, 4.0], [0.5, 2.0], [1.0, -1.0], destination);

        destination.Should().Equal(((5.0 - 3.0) * 0.5) + 1.0, ((1.0 - 4.0) * 2.0) - 1.0);
    }
}
