namespace BatchNormSharp.Tests.Models;

public class StateDictionaryTests
{
    [Fact]
    public void Add_KeepsInsertionOrder()
    {
        var state = new StateDictionary();
        state.Add("b", Tensor.Zeros(1));
        state.Add("a", Tensor.Zeros(2));
        state.Add("c", Tensor.Zeros(), isInteger: true);

        state.Keys.Should().Equal("b", "a", "c");
        state.Select(pair => pair.Key).Should().Equal("b", "a", "c");
        state.Count.Should().Be(3);
        state.IsInteger("c").Should().BeTrue();
        state.IsInteger("a").Should().BeFalse();
    }

    [Fact]
    public void Add_DuplicateName_Throws()
    {
        var state = new StateDictionary();
        state.Add("x", Tensor.Zeros(1));

        var act = () => state.Add("x", Tensor.Zeros(1));

        act.Should().Throw<ArgumentException>().WithMessage("*already*'x'*");
    }

    [Fact]
    public void Add_ReservedMetadataName_Throws()
    {
        var act = () => new StateDictionary().Add("__metadata__", Tensor.Zeros(1));

        act.Should().Throw<ArgumentException>().WithMessage("*reserved*");
    }

    [Fact]
    public void Add_IntegerEntryWithFraction_Throws()
    {
        var act = () => new StateDictionary().Add("count", Tensor.Full(2.5), isInteger: true);

        act.Should().Throw<ArgumentException>().WithMessage("*'count'*whole numbers*");
    }

    [Fact]
    public void Indexer_MissingName_ThrowsNamingIt()
    {
        var act = () => new StateDictionary()["0.weight"];

        act.Should().Throw<KeyNotFoundException>().WithMessage("*'0.weight'*");
    }

    [Fact]
    public void TryGetValue_ReturnsTheTensorAdded()
    {
        var state = new StateDictionary();
        var tensor = Tensor.Zeros(3);
        state.Add("t", tensor);

        state.TryGetValue("t", out var found).Should().BeTrue();
        found.Should().BeSameAs(tensor);
        state.TryGetValue("u", out _).Should().BeFalse();
    }
}
