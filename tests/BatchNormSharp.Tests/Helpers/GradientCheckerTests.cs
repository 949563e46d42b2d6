namespace BatchNormSharp.Tests;

/// <summary>The gradient checker itself: it must fail on wrong gradients and leave the layer as it found it.</summary>
public class GradientCheckerTests(ITestOutputHelper output)
{
    [Fact]
    public void Check_BackwardDividingByFeatureCount_IsDetected()
    {
        // N ≠ D, otherwise the mistake is invisible.
        var input = TestData.Normal(7, 5, seed: 1, mean: 12, spread: 5);

        var report = GradientChecker.CheckLayer(new BatchNormDividingByFeatureCount(), input, ForwardMode.Training, 2);

        report.WriteTo(output, "BatchNorm whose backward divides by the feature count");
        report.Worst.Name.Should().Be("input");
        report.WorstError.Should().BeGreaterThan(1e-2, "a wrong backward pass must fail the check by far");
    }

    [Fact]
    public void Check_CorrectTwinOfTheWrongDouble_Passes()
    {
        // The same inputs through the real layer pass: the failure above is the mistake, not the setup.
        var input = TestData.Normal(7, 5, seed: 1, mean: 12, spread: 5);

        var report = GradientChecker.CheckLayer(new BatchNorm(5, affine: false), input, ForwardMode.Training, 2);

        report.ShouldPass();
    }

    [Fact]
    public void Check_OneWrongParameterGradient_NamesThatParameter()
    {
        var layer = new DenseDoublingBiasGradient(new Dense(5, 3, seed: 3));
        var input = TestData.Normal(4, 5, seed: 4, mean: 12, spread: 5);

        var report = GradientChecker.CheckLayer(layer, input, ForwardMode.Training, 5);

        report.Worst.Name.Should().Be("bias");
        report.Comparisons.Single(c => c.Name == "bias").WorstError.Should().BeApproximately(1.0 / 3.0, 1e-6,
            "|2a - a| / (|2a| + |a|) = 1/3");
        report.Comparisons.Where(c => c.Name != "bias").Should().OnlyContain(c => c.WorstError <= GradientChecker.Tolerance);
    }

    [Fact]
    public void Check_FailureMessage_NamesTensorIndexAnalyticAndNumeric()
    {
        var input = TestData.Normal(7, 5, seed: 1, mean: 12, spread: 5);
        var report = GradientChecker.CheckLayer(new BatchNormDividingByFeatureCount(), input, ForwardMode.Training, 2);

        Action act = () => report.ShouldPass();

        act.Should().Throw<Exception>().WithMessage("*dL/dinput*worst relative error*at [*, *]*analytic*numeric*");
    }

    [Fact]
    public void Check_TrainingMode_LeavesEveryParameterGradientAndRunningStatisticUnchanged()
    {
        var layer = TrainedBatchNorm(momentum: 0.1);
        var before = StateSnapshot.Of(layer);

        GradientChecker.CheckLayer(layer, TestData.Normal(4, 5, seed: 6, mean: 12, spread: 5), ForwardMode.Training, 7);

        before.ShouldBeUnchanged("the gradient check restores every buffer after each forward call");
        layer.NumBatchesTracked.Should().Be(3);
    }

    [Fact]
    public void Check_MomentumNull_LeavesTheBatchCountUnchanged()
    {
        // With the cumulative average the update factor is 1 / num_batches_tracked: a count left behind by the
        // check would change every later update.
        var layer = TrainedBatchNorm(momentum: null);
        var before = StateSnapshot.Of(layer);

        var report = GradientChecker.CheckLayer(layer, TestData.Normal(4, 5, seed: 6, mean: 12, spread: 5),
            ForwardMode.Training, 7);

        report.ShouldPass();
        before.ShouldBeUnchanged();
    }

    [Fact]
    public void Snapshot_AfterOneTrainingForward_SeesTheChange()
    {
        // What the check guards against is real: one training forward moves the running statistics.
        var layer = TrainedBatchNorm(momentum: 0.1);
        var before = StateSnapshot.Of(layer);

        layer.Forward(TestData.Normal(4, 5, seed: 6, mean: 12, spread: 5), ForwardMode.Training);

        before.FirstDifference().Should().StartWith("0.running_mean[0] was");
    }

    [Fact]
    public void Check_GradientsAccumulatedBefore_SurviveTheCheck()
    {
        var layer = new Dense(3, 2, seed: 8);
        layer.Weight.Gradient.Fill(0.25);
        var before = StateSnapshot.Of(layer);

        GradientChecker.CheckLayer(layer, TestData.Normal(4, 3, seed: 9), ForwardMode.Training, 10);

        before.ShouldBeUnchanged();
    }

    [Theory]
    [InlineData(1.0, 1.0, 0.0)]
    [InlineData(1.0, 1.1, 0.1 / 2.1)]
    [InlineData(-1.0, 1.0, 1.0)]
    [InlineData(1e-12, 3e-12, 2e-12 / 1e-3)]
    [InlineData(0.0, 0.0, 0.0)]
    public void RelativeError_WithFloor_IsDifferenceOverLargerOfSumAndFloor(
        double analytic, double numeric, double expected)
    {
        GradientChecker.RelativeError(analytic, numeric, floor: 1e-3).Should().BeApproximately(expected, 1e-15);
    }

    private static BatchNorm TrainedBatchNorm(double? momentum)
    {
        var layer = new BatchNorm(5, momentum: momentum);
        TestData.NormalVector(5, seed: 20, mean: 1, spread: 0.3).AsSpan().CopyTo(layer.Weight!.Value.AsSpan());
        TestData.NormalVector(5, seed: 21).AsSpan().CopyTo(layer.Bias!.Value.AsSpan());
        for (int step = 0; step < 3; step++)
        {
            layer.Forward(TestData.Normal(6, 5, seed: 30 + step, mean: 12, spread: 5), ForwardMode.Training);
        }
        return layer;
    }
}
