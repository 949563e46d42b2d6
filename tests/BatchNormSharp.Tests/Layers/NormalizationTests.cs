namespace BatchNormSharp.Tests;

public class NormalizationTests
{
    [Fact]
    public void Adapt_TrainingRows_LearnsMeanAndBiasedVarianceAndStandardises()
    {
        var rows = Tensor.FromArray(new double[,] { { 1, 10 }, { 3, 10 }, { 5, 10 } });
        var layer = new Normalization(2).Adapt(rows);

        var output = layer.Forward(rows, ForwardMode.Inference);

        layer.Mean.ToArray().Should().Equal(3, 10);
        layer.Variance.ToArray().Should().Equal(8.0 / 3, 0);
        output.ToArray().Should().Equal(-2 / Math.Sqrt(8.0 / 3), 0, 0, 0, 2 / Math.Sqrt(8.0 / 3), 0);
    }

    [Fact]
    public void Adapt_NaNInTrainingRows_ThrowsNamingRowAndColumnAndChangesNothing()
    {
        var layer = new Normalization(2);
        var rows = Tensor.FromArray(new double[,] { { 1, 2 }, { 3, double.NaN } });

        var act = () => layer.Adapt(rows);

        act.Should().Throw<ArgumentException>().WithMessage("*row 1, column 1 holds NaN*");
        layer.Mean.ToArray().Should().Equal(0, 0);
        layer.Variance.ToArray().Should().Equal(1, 1);
    }

    [Fact]
    public void StateDict_InAModel_CarriesTheStatisticsAsBuffers()
    {
        var model = new Sequential(new Normalization(3), new Dense(3, 2, seed: 1));

        model.StateDict().Keys.Should().Equal("0.mean", "0.variance", "1.weight", "1.bias");
        model.Parameters.Should().HaveCount(2, "the statistics are not trained");
    }

    [Theory]
    [InlineData(ForwardMode.Training)]
    [InlineData(ForwardMode.Inference)]
    public void Backward_MatchesFiniteDifferences(ForwardMode mode)
    {
        var layer = new Normalization(5).Adapt(TestData.Normal(9, 5, seed: 2, mean: 12, spread: 5));

        GradientChecker.CheckLayer(layer, TestData.Normal(7, 5, seed: 3, mean: 12, spread: 5), mode, upstreamSeed: 4)
            .ShouldPass();
    }

    [Fact]
    public void Summary_FirstLayerNormalization_KnowsTheInputWidth()
    {
        var model = new Sequential(new Normalization(4), new Dense(4, 3, seed: 1));

        model.Summary().Layers.Select(row => row.NonTrainableParameters).Should().Equal(8, 0);
    }
}
