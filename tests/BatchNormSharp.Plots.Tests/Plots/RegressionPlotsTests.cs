using BatchNormSharp.Plots.Tests.Helpers;

namespace BatchNormSharp.Plots.Tests.Plots;

public sealed class RegressionPlotsTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("fit.png", 500, 500)]
    [InlineData("fit.svg", 600, 450)]
    public void PredictedVersusActual_Values_WritesImageOfRequestedSize(string name, int width, int height)
    {
        double[] actual = SampleData.Normal(80, 10, 4, seed: 8);
        double[] predicted = [.. actual.Zip(SampleData.Normal(80, 0, 1, seed: 9), (a, noise) => a + noise)];
        double[] actualCopy = [.. actual], predictedCopy = [.. predicted];

        string written = RegressionPlots.PredictedVersusActual(_folder.File(name), actual, predicted,
            new PlotOptions { Width = width, Height = height });

        ImageFile.ShouldBeImage(written, width, height);
        actual.Should().Equal(actualCopy);
        predicted.Should().Equal(predictedCopy);
    }

    [Fact]
    public void PredictedVersusActual_DifferentLengths_ThrowsAndWritesNothing()
    {
        var act = () => RegressionPlots.PredictedVersusActual(_folder.File("fit.png"), [1.0, 2.0], [1.0]);

        act.Should().Throw<ArgumentException>().WithParameterName("predicted").WithMessage("*one prediction per*");
        _folder.Files().Should().BeEmpty();
    }

    [Fact]
    public void PredictedVersusActual_NullActual_ThrowsArgumentNull()
    {
        var act = () => RegressionPlots.PredictedVersusActual(_folder.File("fit.png"), null!, [1.0]);

        act.Should().Throw<ArgumentNullException>().WithParameterName("actual");
    }
}
