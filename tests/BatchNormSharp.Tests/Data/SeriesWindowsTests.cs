namespace BatchNormSharp.Tests.Data;

/// <summary><see cref="SeriesWindows"/>: windows, targets, their order and the refusals.</summary>
public class SeriesWindowsTests
{
    [Fact]
    public void Create_SeriesOfSix_LookBackThree_GivesThreeWindowsWithNextValueTargets()
    {
        var data = SeriesWindows.Create([10, 11, 12, 13, 14, 15], lookBack: 3);

        data.Count.Should().Be(3);
        data.Inputs.Shape.ToArray().Should().Equal(3, 3, 1);
        data.Inputs.ToArray().Should().Equal(10, 11, 12, 11, 12, 13, 12, 13, 14);
        data.Targets.Shape.ToArray().Should().Equal(3, 1);
        data.Targets.ToArray().Should().Equal(13, 14, 15);
    }

    [Fact]
    public void Create_LookBackOne_IsTheSeedsPairs()
    {
        var data = SeriesWindows.Create([1, 2, 3], lookBack: 1);

        data.Inputs.ToArray().Should().Equal(1, 2);
        data.Targets.ToArray().Should().Equal(2, 3);
    }

    [Fact]
    public void Create_SeriesNoLongerThanLookBack_ThrowsSayingWhatToDo()
    {
        var act = () => SeriesWindows.Create([1, 2, 3], lookBack: 3);

        act.Should().Throw<ArgumentException>().WithMessage("*more than lookBack = 3*has 3*shorter look-back*");
    }

    [Fact]
    public void Create_NaNInSeries_ThrowsNamingItsIndex()
    {
        var act = () => SeriesWindows.Create([1, 2, double.NaN, 4], lookBack: 1);

        act.Should().Throw<ArgumentException>().WithMessage("*value 2 of the series is NaN*");
    }

    [Fact]
    public void Create_LookBackZero_Throws()
    {
        var act = () => SeriesWindows.Create([1, 2, 3], lookBack: 0);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }
}
