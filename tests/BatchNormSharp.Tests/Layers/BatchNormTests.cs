namespace BatchNormSharp.Tests;

/// <summary>
/// BatchNorm's rules (GUIDE §1) against hand-computed values. Each test pins one rule so that a known wrong
/// variant seen in tutorials fails it; the variant it catches is named in the test.
/// </summary>
public class BatchNormTests
{
    private const double Eps = 1e-5;

    [Fact]
    public void Constructor_Defaults_MatchPyTorch()
    {
        var layer = new BatchNorm(3);

        layer.Eps.Should().Be(1e-5);
        layer.Momentum.Should().Be(0.1);
        layer.Weight!.Value.ToArray().Should().Equal(1, 1, 1);
        layer.Bias!.Value.ToArray().Should().Equal(0, 0, 0);
        layer.RunningMean!.ToArray().Should().Equal(0, 0, 0);
        layer.RunningVar!.ToArray().Should().Equal(1, 1, 1);
        layer.NumBatchesTracked.Should().Be(0);
        layer.Parameters.Select(p => p.Name).Should().Equal("weight", "bias");
        layer.Buffers.Select(b => b.Name).Should().Equal("running_mean", "running_var", "num_batches_tracked");
    }

    [Fact]
    public void Forward_Training_NormalisesWithTheBiasedVariance()
    {
        // Wrong variant: normalising with the unbiased variance. x = [0, 2]: biased variance 1, unbiased 2.
        var layer = new BatchNorm(1);

        var y = layer.Forward(Column(0, 2), ForwardMode.Training);

        double expected = 1 / Math.Sqrt(1 + Eps); // the unbiased variance would give 1/√2 ≈ 0.707
        y.ToArray().Should().Equal(-expected, expected);
    }

    [Fact]
    public void Forward_TinyVarianceFeature_AddsEpsilonInsideTheSquareRoot()
    {
        // Wrong variant: (x - μ) / (σ + ε). Here σ² = 1e-6 is below ε = 1e-5, so where ε sits decides the output:
        // 1e-3 / √(1e-6 + 1e-5) = 0.3015, while 1e-3 / (1e-3 + 1e-5) = 0.9901.
        var layer = new BatchNorm(1);

        var y = layer.Forward(Column(0, 2e-3), ForwardMode.Training);

        y[1, 0].Should().BeApproximately(1e-3 / Math.Sqrt(1e-6 + Eps), 1e-12);
        y[1, 0].Should().BeApproximately(0.30151134457776363, 1e-12);
    }

    [Fact]
    public void Forward_InferenceTinyRunningVariance_AddsEpsilonInsideTheSquareRoot()
    {
        var layer = new BatchNorm(1);
        TestData.Set(layer.RunningVar!, 1e-6);

        var y = layer.Forward(Column(1e-3, -1e-3), ForwardMode.Inference);

        y.ToArray().Should().Equal(1e-3 / Math.Sqrt(1e-6 + Eps), -1e-3 / Math.Sqrt(1e-6 + Eps));
    }

    [Fact]
    public void Forward_Inference_NormalisesWithTheRunningStatisticsAndChangesNothing()
    {
        var layer = new BatchNorm(1);
        TestData.Set(layer.Weight!.Value, 2);
        TestData.Set(layer.Bias!.Value, 0.5);
        TestData.Set(layer.RunningMean!, 1);
        TestData.Set(layer.RunningVar!, 3);
        var before = StateSnapshot.Of(layer);

        var y = layer.Forward(Column(4, -2), ForwardMode.Inference);

        double scale = 2 / Math.Sqrt(3 + Eps);
        y.ToArray().Should().Equal((3 * scale) + 0.5, (-3 * scale) + 0.5);
        before.ShouldBeUnchanged("inference changes no running statistic and no counter");
    }

    [Fact]
    public void Forward_LargeOffsetTinySpread_KeepsTheDigitsOfTheVariance()
    {
        // Wrong variant: E[x²] - E[x]². At 1e9 the squares are 1e18, whose spacing is 128: the variance 1.25
        // would come out as a multiple of 128 (often 0 or negative). Two-pass keeps it exact here.
        var layer = new BatchNorm(1, momentum: 1.0);

        var y = layer.Forward(Column(1e9 + 1, 1e9 + 2, 1e9 + 3, 1e9 + 4), ForwardMode.Training);

        double invStd = 1 / Math.Sqrt(1.25 + Eps);
        y.ToArray().Should().Equal(-1.5 * invStd, -0.5 * invStd, 0.5 * invStd, 1.5 * invStd);
        layer.RunningMean![0].Should().Be(1e9 + 2.5);
        layer.RunningVar![0].Should().Be(5.0 / 3.0);
    }

    [Fact]
    public void RunningMean_MomentumOne_IsTheBatchSumDividedByNLikePyTorch()
    {
        // PyTorch divides the column sum by N. Multiplying by 1/N rounds twice: for 0.7, 1.4, …, 4.9 it gives
        // 2.7999999999999994 instead of 2.8, and at large offsets that last place moves y and dγ by 1e-10 to 1e-9.
        var layer = new BatchNorm(1, momentum: 1.0);
        double[] x = [.. Enumerable.Range(1, 7).Select(k => 0.7 * k)];

        layer.Forward(Column(x), ForwardMode.Training);

        layer.RunningMean![0].Should().Be(2.8);
    }

    [Fact]
    public void RunningVariance_AfterTwoBatches_IsTheMomentumAverageOfUnbiasedBatchVariances()
    {
        // Wrong variants: running variance updated with itself (stays 1), fed the biased variance (1.0 then 1.97),
        // or momentum taken as the weight of the old value (1.9 then 14.59).
        var layer = new BatchNorm(1);

        layer.Forward(Column(1, 3), ForwardMode.Training);     // mean 2, unbiased variance 2
        layer.RunningMean![0].Should().BeApproximately(0.2, 1e-15);
        layer.RunningVar![0].Should().BeApproximately(1.1, 1e-15); // 0.9 · 1 + 0.1 · 2
        layer.Forward(Column(0, 4, 8), ForwardMode.Training);  // mean 4, unbiased variance 16

        layer.RunningMean![0].Should().BeApproximately(0.58, 1e-15); // 0.9 · 0.2 + 0.1 · 4
        layer.RunningVar![0].Should().BeApproximately(2.59, 1e-15);  // 0.9 · 1.1 + 0.1 · 16
        layer.NumBatchesTracked.Should().Be(2);
    }

    [Fact]
    public void RunningStatistics_OneTrainingStepWithBackward_AreUpdatedExactlyOnce()
    {
        // Wrong variant: the moving average applied twice per step (in forward and again in backward, or twice in
        // forward): the mean would be 0.19 · μ instead of 0.1 · μ.
        var layer = new BatchNorm(2);
        var x = Tensor.FromArray(new double[,] { { 1, 10 }, { 3, 20 } }); // means 2, 15; unbiased variances 2, 50

        layer.Forward(x, ForwardMode.Training);
        layer.Backward(TestData.Normal(2, 2, seed: 1));

        layer.RunningMean!.ToArray().Should().Equal(0.1 * 2, 0.1 * 15);
        layer.RunningVar!.ToArray().Should().Equal((0.9 * 1) + (0.1 * 2), (0.9 * 1) + (0.1 * 50));
        layer.NumBatchesTracked.Should().Be(1);
    }

    [Fact]
    public void RunningStatistics_MomentumNull_AreTheCumulativeAverageOfTheBatches()
    {
        // The first batch replaces the initial 0 / 1; later ones are averaged with equal weight.
        var layer = new BatchNorm(1, momentum: null);

        layer.Forward(Column(1, 3), ForwardMode.Training);          // mean 2, unbiased variance 2
        layer.RunningMean![0].Should().Be(2);
        layer.RunningVar![0].Should().Be(2);
        layer.Forward(Column(0, 4, 8), ForwardMode.Training);       // mean 4, unbiased variance 16
        layer.Forward(Column(5, 5, 5, 9), ForwardMode.Training);    // mean 6, unbiased variance 4

        layer.RunningMean![0].Should().BeApproximately((2 + 4 + 6) / 3.0, 1e-15);
        layer.RunningVar![0].Should().BeApproximately((2 + 16 + 4) / 3.0, 1e-14);
        layer.NumBatchesTracked.Should().Be(3);
    }

    [Fact]
    public void RunningStatistics_MomentumZero_NeverMoveButTheCounterCounts()
    {
        var layer = new BatchNorm(1, momentum: 0.0);

        layer.Forward(Column(1, 3), ForwardMode.Training);
        layer.Forward(Column(0, 4, 8), ForwardMode.Training);

        layer.RunningMean![0].Should().Be(0);
        layer.RunningVar![0].Should().Be(1);
        layer.NumBatchesTracked.Should().Be(2);
    }

    [Fact]
    public void RunningStatistics_MomentumOne_AreTheLastBatchStatistics()
    {
        var layer = new BatchNorm(1, momentum: 1.0);

        layer.Forward(Column(1, 3), ForwardMode.Training);
        layer.Forward(Column(0, 4, 8), ForwardMode.Training);

        layer.RunningMean![0].Should().Be(4);
        layer.RunningVar![0].Should().Be(16);
    }

    [Fact]
    public void RunningVariance_BiasedOptionForKerasUsers_IsFedTheBiasedVariance()
    {
        var pytorch = new BatchNorm(1, momentum: 1.0);
        var keras = new BatchNorm(1, momentum: 1.0) { UnbiasedRunningVariance = false };

        pytorch.Forward(Column(1, 3), ForwardMode.Training);
        keras.Forward(Column(1, 3), ForwardMode.Training);

        pytorch.RunningVar![0].Should().Be(2, "PyTorch feeds the unbiased variance, divided by N - 1");
        keras.RunningVar![0].Should().Be(1, "Keras feeds the biased variance, divided by N");
    }

    [Fact]
    public void NumBatchesTracked_CountsTrainingForwardsOnly()
    {
        var layer = new BatchNorm(1);

        layer.Forward(Column(1, 3), ForwardMode.Training);
        layer.Forward(Column(1, 3), ForwardMode.Inference);
        layer.Forward(Column(1, 3), ForwardMode.Training);

        layer.NumBatchesTracked.Should().Be(2);
        layer.Buffers[2].Value.ToArray().Should().Equal(2.0);
    }

    [Fact]
    public void Backward_Training_TakesMeansOverTheBatchNotTheFeatures()
    {
        // Wrong variant: dividing the two correction terms by the feature count D = 2 instead of the batch size
        // N = 3. Both features hold x = [-1, 0, 1]; σ² = 2/3 + ε, x̂ = x / σ; dy = [1, 0, 0] per feature:
        // mean(dy) = 1/3, mean(dy · x̂) = -1 / (3σ), so dx = (1/σ) · (dy - 1/3 + x / (3σ²)).
        var layer = new BatchNorm(2);
        var x = Tensor.FromArray(new double[,] { { -1, -1 }, { 0, 0 }, { 1, 1 } });
        var dy = Tensor.FromArray(new double[,] { { 1, 1 }, { 0, 0 }, { 0, 0 } });

        layer.Forward(x, ForwardMode.Training);
        var dx = layer.Backward(dy);

        double variance = (2.0 / 3.0) + Eps, sigma = Math.Sqrt(variance);
        double[] expected =
        [
            (1 - (1.0 / 3) - (1 / (3 * variance))) / sigma,
            (-1.0 / 3) / sigma,
            (-(1.0 / 3) + (1 / (3 * variance))) / sigma,
        ];
        for (int i = 0; i < 3; i++)
        {
            dx[i, 0].Should().BeApproximately(expected[i], 1e-14);
            dx[i, 1].Should().BeApproximately(expected[i], 1e-14);
        }
        layer.Weight!.Gradient[0].Should().BeApproximately(-1 / sigma, 1e-14, "dγ = Σ dy · x̂");
        layer.Bias!.Gradient[0].Should().Be(1, "dβ = Σ dy");
    }

    [Fact]
    public void Backward_AfterInferenceForward_UsesTheFrozenStatistics()
    {
        // Wrong variant: the training-mode backward after an inference-mode forward. With dy = 1 everywhere the
        // training formula gives dx = 0; through frozen statistics dx = γ / √(runningVar + ε).
        var layer = new BatchNorm(1);
        TestData.Set(layer.Weight!.Value, 3);
        TestData.Set(layer.RunningMean!, 1);
        TestData.Set(layer.RunningVar!, 4);
        layer.Forward(Column(0, 1, 5), ForwardMode.Inference);

        var dx = layer.Backward(Tensor.Full(1.0, 3, 1));

        double invStd = 1 / Math.Sqrt(4 + Eps);
        dx.ToArray().Should().Equal(3 * invStd, 3 * invStd, 3 * invStd);
        layer.Weight.Gradient[0].Should().BeApproximately((-1 + 0 + 4) * invStd, 1e-15, "dγ = Σ dy · (x - runningMean) / σ");
        layer.Bias!.Gradient[0].Should().Be(3);
    }

    [Fact]
    public void Backward_TrainingAfterAnInferenceForward_FollowsTheLatestForward()
    {
        // The mode belongs to the forward pass: inference then training, the backward is the training one.
        var layer = new BatchNorm(1);
        layer.Forward(Column(0, 1, 5), ForwardMode.Inference);
        layer.Forward(Column(0, 1, 5), ForwardMode.Training);

        var dx = layer.Backward(Tensor.Full(1.0, 3, 1));

        dx.ToArray().Should().OnlyContain(g => Math.Abs(g) < 1e-15, "a constant dy has no effect through batch statistics");
    }

    [Fact]
    public void Forward_InferenceWithoutRunningStatistics_NormalisesWithTheBatch()
    {
        var layer = new BatchNorm(1, trackRunningStats: false);

        var y = layer.Forward(Column(0, 2), ForwardMode.Inference);

        y.ToArray().Should().Equal(-1 / Math.Sqrt(1 + Eps), 1 / Math.Sqrt(1 + Eps));
        layer.Buffers.Should().BeEmpty();
        layer.NumBatchesTracked.Should().Be(0);
    }

    [Fact]
    public void Forward_NotAffine_HasNoParametersAndAppliesNoScale()
    {
        var layer = new BatchNorm(1, affine: false);

        var y = layer.Forward(Column(0, 2), ForwardMode.Training);

        layer.Parameters.Should().BeEmpty();
        layer.Weight.Should().BeNull();
        y.ToArray().Should().Equal(-1 / Math.Sqrt(1 + Eps), 1 / Math.Sqrt(1 + Eps));
    }

    private static Tensor Column(params double[] values) => Tensor.FromSpan(values, values.Length, 1);
}
