namespace BatchNormSharp.Plots.Tests.Output;

public sealed class PlotOptionsTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(99)]
    [InlineData(10_001)]
    [InlineData(-5)]
    public void Width_OutOfRange_ThrowsArgumentOutOfRange(int width)
    {
        var act = () => new PlotOptions { Width = width };

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("Width").WithMessage("*from 100 to 10000*");
    }

    [Fact]
    public void Height_Zero_ThrowsArgumentOutOfRange()
    {
        var act = () => new PlotOptions { Height = 0 };

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("Height");
    }

    [Fact]
    public void Constructor_NothingSet_Is800By500WithFormatFromExtension()
    {
        var options = new PlotOptions();

        (options.Width, options.Height, options.Format, options.Title).Should().Be((800, 500, (PlotFormat?)null,
            (string?)null));
    }
}
