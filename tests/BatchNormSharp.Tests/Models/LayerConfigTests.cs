namespace BatchNormSharp.Tests.Models;

public class LayerConfigTests
{
    [Fact]
    public void ToString_SeveralKinds_ListsNamesAndJsonValuesInOrder()
    {
        var config = new LayerConfig("Example").Set("size", 3).Set("rate", 0.5).Set("momentum", (double?)null)
            .Set("affine", true).Set("activation", "tanh");

        config.ToString().Should().Be("Example(size=3, rate=0.5, momentum=null, affine=true, activation=\"tanh\")");
        config.Names.Should().Equal("size", "rate", "momentum", "affine", "activation");
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Set_NonFiniteDouble_ThrowsSayingJsonHasNone(double value)
    {
        var config = new LayerConfig("Example");

        var act = () => config.Set("rate", value);

        act.Should().Throw<ArgumentException>().WithMessage("*'rate' must be a finite number to be written as JSON*");
        config.Names.Should().BeEmpty();
    }

    [Fact]
    public void Set_SameNameTwice_Throws()
    {
        var config = new LayerConfig("Example").Set("size", 3);

        var act = () => config.Set("size", 4);

        act.Should().Throw<ArgumentException>().WithMessage("*already has a hyper-parameter named 'size'*");
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("quote\"")]
    public void Constructor_InvalidTypeName_Throws(string type)
    {
        var act = () => new LayerConfig(type);

        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void GetInt32_MissingName_ThrowsInvalidDataNamingIt()
    {
        var config = new LayerConfig("Example").Set("size", 3);

        var act = () => config.GetInt32("width");

        act.Should().Throw<InvalidDataException>().WithMessage("Hyper-parameter 'width' (a whole number*) is missing from the description of Example.");
    }

    [Fact]
    public void GetBoolean_NumberStored_ThrowsInvalidDataSayingWhatItIs()
    {
        var config = new LayerConfig("Example").Set("affine", 1);

        var act = () => config.GetBoolean("affine");

        act.Should().Throw<InvalidDataException>().WithMessage("Hyper-parameter 'affine' of Example must be true or false, but is 1.");
    }
}
