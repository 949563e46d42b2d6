using System.Globalization;

namespace BatchNormSharp.Tests;

/// <summary>
/// Bad input to BatchNorm: each call fails with the exception family GUIDE §2 names, a message naming what was
/// expected and what came, and leaves every parameter, gradient and running statistic bit for bit as it was.
/// </summary>
public class BatchNormBadInputTests
{
    [Theory]
    [InlineData(ForwardMode.Training)]
    [InlineData(ForwardMode.Inference)]
    public void Forward_WrongFeatureCount_ThrowsNamingExpectedAndActualAndChangesNothing(ForwardMode mode)
    {
        var layer = UsedLayer();
        var before = StateSnapshot.Of(layer);

        var act = () => layer.Forward(Tensor.Zeros(4, 3), mode);

        act.Should().Throw<ArgumentException>().WithMessage("*[batch, 5]*[4, 3]*").Which.ParamName.Should().Be("input");
        before.ShouldBeUnchanged();
    }

    [Fact]
    public void Forward_VectorInsteadOfBatch_ThrowsNamingExpectedAndActual()
    {
        var layer = UsedLayer();
        var before = StateSnapshot.Of(layer);

        var act = () => layer.Forward(Tensor.Zeros(5), ForwardMode.Training);

        act.Should().Throw<ArgumentException>().WithMessage("*[batch, 5]*got [5]*");
        before.ShouldBeUnchanged();
    }

    [Fact]
    public void Forward_EmptyBatch_ThrowsAndChangesNothing()
    {
        var layer = UsedLayer();
        var before = StateSnapshot.Of(layer);

        var act = () => layer.Forward(Tensor.Zeros(0, 5), ForwardMode.Training);

        act.Should().Throw<ArgumentException>().WithMessage("*[0, 5]*");
        before.ShouldBeUnchanged();
    }

    [Fact]
    public void Forward_BatchOfOneInTraining_ThrowsMoreThanOneValuePerFeatureAndChangesNothing()
    {
        var layer = UsedLayer();
        var before = StateSnapshot.Of(layer);

        var act = () => layer.Forward(TestData.Normal(1, 5, seed: 1), ForwardMode.Training);

        act.Should().Throw<ArgumentException>().WithMessage("*more than 1 value per feature*[1, 5]*")
            .Which.ParamName.Should().Be("input");
        before.ShouldBeUnchanged("a rejected batch must not count as a tracked batch nor move the running statistics");
        layer.NumBatchesTracked.Should().Be(1);
    }

    [Fact]
    public void Forward_BatchOfOneInInferenceWithoutRunningStatistics_Throws()
    {
        // Without running statistics inference also needs the batch's own statistics.
        var layer = new BatchNorm(5, trackRunningStats: false);

        var act = () => layer.Forward(TestData.Normal(1, 5, seed: 1), ForwardMode.Inference);

        act.Should().Throw<ArgumentException>().WithMessage("*more than 1 value per feature*");
    }

    [Fact]
    public void Forward_BatchOfOneInInference_IsNormalisedWithTheRunningStatistics()
    {
        var layer = UsedLayer();

        var y = layer.Forward(Tensor.Full(2.0, 1, 5), ForwardMode.Inference);

        double expected = 1.5 * (2.0 - layer.RunningMean![0]) / Math.Sqrt(layer.RunningVar![0] + 1e-5); // γ = 1.5, β = 0
        y[0, 0].Should().BeApproximately(expected, 1e-15);
    }

    [Fact]
    public void Forward_RejectedAfterAGoodForward_BackwardStillGoesThroughTheGoodOne()
    {
        var layer = UsedLayer();
        var twin = UsedLayer();
        var x = TestData.Normal(4, 5, seed: 2, mean: 3, spread: 2);
        var dy = TestData.Normal(4, 5, seed: 3);
        layer.Forward(x, ForwardMode.Training);
        twin.Forward(x, ForwardMode.Training);

        layer.Invoking(l => l.Forward(Tensor.Zeros(1, 5), ForwardMode.Training)).Should().Throw<ArgumentException>();
        var dx = layer.Backward(dy);

        dx.ToArray().Should().Equal(twin.Backward(dy).ToArray());
        StateSnapshot.Of(layer).FirstDifference().Should().BeNull();
        Bits(layer).Should().Equal(Bits(twin));
    }

    [Theory]
    [InlineData(double.NaN, "NaN", "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity", "NaN")]
    [InlineData(double.NegativeInfinity, "-Infinity", "NaN")]
    [InlineData(1e300, "*", "Infinity")]
    public void Forward_NonFiniteStatisticsInTraining_ThrowsNamingTheFeatureAndChangesNothing(double value,
        string mean, string variance)
    {
        var layer = UsedLayer();
        var x = TestData.Normal(4, 5, seed: 2, mean: 3, spread: 2);
        x[1, 3] = value;
        if (value == 1e300)
        {
            x[2, 3] = -1e300; // a finite mean, but squared deviations of 1e600 overflow
        }
        var before = StateSnapshot.Of(layer);

        var act = () => layer.Forward(x, ForwardMode.Training);

        act.Should().Throw<ArgumentException>()
            .WithMessage($"*finite mean and variance*feature 3 of the [4, 5] batch has mean {mean} and variance {variance}*")
            .Which.ParamName.Should().Be("input");
        before.ShouldBeUnchanged("a refused batch must not reach the running statistics nor the counter");
    }

    [Fact]
    public void Forward_NaNInInference_PropagatesToThatRowLikePyTorch()
    {
        var layer = UsedLayer();
        var x = TestData.Normal(3, 5, seed: 2, mean: 3, spread: 2);
        x[1, 2] = double.NaN;
        var before = StateSnapshot.Of(layer);

        var y = layer.Forward(x, ForwardMode.Inference);

        double.IsNaN(y[1, 2]).Should().BeTrue();
        y.ToArray().Count(double.IsNaN).Should().Be(1, "inference normalises each value on its own");
        before.ShouldBeUnchanged();
    }

    [Fact]
    public void Forward_NonFiniteBatchRefusedAfterAGoodForward_BackwardStillGoesThroughTheGoodOne()
    {
        var layer = UsedLayer();
        var twin = UsedLayer();
        var x = TestData.Normal(4, 5, seed: 2, mean: 3, spread: 2);
        var dy = TestData.Normal(4, 5, seed: 3);
        layer.Forward(x, ForwardMode.Training);
        twin.Forward(x, ForwardMode.Training);
        var poisoned = TestData.Normal(4, 5, seed: 4, mean: 30, spread: 9);
        poisoned[0, 0] = double.NaN;

        layer.Invoking(l => l.Forward(poisoned, ForwardMode.Training)).Should().Throw<ArgumentException>();
        var dx = layer.Backward(dy);

        dx.ToArray().Should().Equal(twin.Backward(dy).ToArray(), "the refused batch must not overwrite the cache");
        Bits(layer).Should().Equal(Bits(twin));
    }

    [Fact]
    public void Backward_WrongGradientShape_ThrowsNamingExpectedAndActualAndChangesNothing()
    {
        var layer = UsedLayer();
        layer.Forward(TestData.Normal(4, 5, seed: 2), ForwardMode.Training);
        var before = StateSnapshot.Of(layer);

        var act = () => layer.Backward(Tensor.Zeros(4, 4));

        act.Should().Throw<ArgumentException>().WithMessage("*BatchNorm.Backward*[4, 5]*[4, 4]*")
            .Which.ParamName.Should().Be("outputGradient");
        before.ShouldBeUnchanged();
        layer.Invoking(l => l.Backward(Tensor.Zeros(4, 5))).Should().NotThrow("the rejected call spent nothing");
    }

    [Fact]
    public void Backward_BeforeAnyForward_ThrowsSayingWhatToDo()
    {
        var layer = new BatchNorm(5);

        var act = () => layer.Backward(Tensor.Zeros(4, 5));

        act.Should().Throw<InvalidOperationException>().WithMessage("*BatchNorm.Backward*call Forward(input, mode)*first*");
    }

    [Fact]
    public void Backward_TwiceAfterOneForward_ThrowsAndChangesNothing()
    {
        var layer = UsedLayer();
        layer.Forward(TestData.Normal(4, 5, seed: 2), ForwardMode.Training);
        layer.Backward(TestData.Normal(4, 5, seed: 3));
        var before = StateSnapshot.Of(layer);

        var act = () => layer.Backward(TestData.Normal(4, 5, seed: 3));

        act.Should().Throw<InvalidOperationException>();
        before.ShouldBeUnchanged("a second backward must not add the gradients twice");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Constructor_NonPositiveFeatureCount_ThrowsNamingValue(int numFeatures)
    {
        var act = () => new BatchNorm(numFeatures);

        act.Should().Throw<ArgumentOutOfRangeException>()
            .WithMessage($"*numFeatures must be at least 1, but was {numFeatures}*")
            .Which.ParamName.Should().Be("numFeatures");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1e-5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Constructor_EpsNotPositiveAndFinite_ThrowsNamingValue(double eps)
    {
        var act = () => new BatchNorm(3, eps: eps);

        act.Should().Throw<ArgumentOutOfRangeException>()
            .WithMessage($"*eps must be a finite number greater than 0, but was {eps.ToString(CultureInfo.InvariantCulture)}*")
            .Which.ParamName.Should().Be("eps");
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Constructor_MomentumOutsideZeroToOne_ThrowsNamingRangeAndValue(double momentum)
    {
        var act = () => new BatchNorm(3, momentum: momentum);

        act.Should().Throw<ArgumentOutOfRangeException>()
            .WithMessage($"*momentum must lie in ?0, 1?*but was {momentum.ToString(CultureInfo.InvariantCulture)}*")
            .Which.ParamName.Should().Be("momentum");
    }

    /// <summary>A layer with moved running statistics, γ ≠ 1 and non-zero gradients, so that "unchanged" means something.</summary>
    private static BatchNorm UsedLayer()
    {
        var layer = new BatchNorm(5);
        TestData.Set(layer.Weight!.Value, 1.5, 0.5, 2, 1, 0.8);
        layer.Forward(TestData.Normal(6, 5, seed: 4, mean: 12, spread: 5), ForwardMode.Training);
        layer.Backward(TestData.Normal(6, 5, seed: 5));
        return layer;
    }

    private static long[] Bits(BatchNorm layer) =>
        [.. layer.Parameters.SelectMany(p => p.Value.ToArray().Concat(p.Gradient.ToArray()))
            .Concat(layer.Buffers.SelectMany(b => b.Value.ToArray()))
            .Select(BitConverter.DoubleToInt64Bits)];

    [Fact]
    public void Forward_ItsOwnOutputAsInput_ThrowsAndKeepsStatisticsAndPendingBackward()
    {
        var layer = new BatchNorm(3);
        var output = layer.Forward(TestData.Normal(5, 3, seed: 31, mean: 4.0, spread: 2.0), ForwardMode.Training);
        var before = StateSnapshot.Of(layer);

        var act = () => layer.Forward(output, ForwardMode.Training);

        act.Should().Throw<ArgumentException>().WithMessage("BatchNorm expected an input other than a tensor it*returned*Clone()*");
        before.ShouldBeUnchanged();
        layer.Invoking(l => l.Backward(TestData.Normal(5, 3, seed: 32))).Should().NotThrow();
    }
}
