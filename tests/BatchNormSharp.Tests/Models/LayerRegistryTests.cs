namespace BatchNormSharp.Tests.Models;

public class LayerRegistryTests
{
    [Theory]
    [InlineData("Sequential")]
    [InlineData("Dense")]
    [InlineData("BatchNorm")]
    [InlineData("ReLU")]
    [InlineData("Normalization")]
    public void IsRegistered_LibraryLayer_IsTrue(string type) => LayerRegistry.IsRegistered(type).Should().BeTrue();

    [Fact]
    public void Register_LibraryName_ThrowsAndKeepsTheLibraryFactory()
    {
        var act = () => LayerRegistry.Register("Dense", _ => new ReLU());

        act.Should().Throw<ArgumentException>().WithMessage("*'Dense' is already registered*choose another name*");
        var state = ModelFile.ToStateDictionary(new Dense(2, 3, seed: 1));
        ModelFile.FromStateDictionary(state).Should().BeOfType<Dense>();
    }

    [Fact]
    public void Register_InvalidName_Throws()
    {
        var act = () => LayerRegistry.Register("My Layer", _ => new ReLU());

        act.Should().Throw<ArgumentException>().WithMessage("*'My Layer' holds ' '*");
        LayerRegistry.IsRegistered("My Layer").Should().BeFalse();
    }

    [Fact]
    public void GetConfig_EveryLibraryLayer_NamesARegisteredType()
    {
        var model = new Sequential(new Normalization(2), new Dense(2, 3, seed: 1), new BatchNorm(3), new ReLU());

        model.NamedLayers().Select(named => named.Layer.GetConfig()!.Type)
            .Should().OnlyContain(type => LayerRegistry.IsRegistered(type));
    }
}
