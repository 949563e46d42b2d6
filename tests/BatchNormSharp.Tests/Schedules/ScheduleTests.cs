namespace BatchNormSharp.Tests.Schedules;

public class ScheduleTests
{
    [Fact]
    public void Constructor_Any_LeavesTheLearningRateAsItIs()
    {
        var optimizer = new Adam([new Parameter("w", Tensor.Zeros(1))], learningRate: 0.02);

        _ = new StepLR(optimizer, 3);
        _ = new ExponentialLR(optimizer, 0.9);
        _ = new CosineAnnealingLR(optimizer, 5);
        _ = new ReduceLROnPlateau(optimizer);

        optimizer.LearningRate.Should().Be(0.02);
    }

    [Fact]
    public void CosineAnnealing_OneHalfPeriod_EndsAtEtaMinAndFollowsTheClosedForm()
    {
        var optimizer = new SgdMomentum([new Parameter("w", Tensor.Zeros(1))], 0.1);
        var cosine = new CosineAnnealingLR(optimizer, tMax: 8, etaMin: 0.01);

        for (int t = 1; t <= 8; t++)
        {
            cosine.Step();
            optimizer.LearningRate.Should().BeApproximately(0.01 + (0.09 * (1 + Math.Cos(Math.PI * t / 8)) / 2), 1e-15);
        }
    }

    [Fact]
    public void ReduceLROnPlateau_NaNMetric_ThrowsAndChangesNothing()
    {
        var optimizer = new SgdMomentum([new Parameter("w", Tensor.Zeros(1))], 0.1);
        var plateau = new ReduceLROnPlateau(optimizer, patience: 0);
        plateau.Step(1.0);

        var act = () => plateau.Step(double.NaN);

        act.Should().Throw<ArgumentException>().WithMessage("*got NaN: the run has probably diverged*");
        (plateau.LastEpoch, plateau.NumBadEpochs, plateau.Best, optimizer.LearningRate).Should().Be((1, 0, 1.0, 0.1));
    }

    [Fact]
    public void ReduceLROnPlateau_FactorOfOne_Throws()
    {
        var act = () => new ReduceLROnPlateau(new Adam([new Parameter("w", Tensor.Zeros(1))]), factor: 1.0);

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("factor must lie in [0, 1)*");
    }

    [Fact]
    public void StepLR_ZeroStepSize_Throws()
    {
        var act = () => new StepLR(new Adam([new Parameter("w", Tensor.Zeros(1))]), 0);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }
}
