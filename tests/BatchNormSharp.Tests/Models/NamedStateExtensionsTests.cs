using BatchNormSharp.Tests.Helpers;

namespace BatchNormSharp.Tests.Models;

public class NamedStateExtensionsTests
{
    [Fact]
    public void NamedParameters_NestedSequential_UsesPyTorchDottedNames()
    {
        var model = TrainingData.NestedModel(seed: 1);

        var names = model.NamedParameters().Select(p => p.Name);

        names.Should().Equal("0.weight", "0.bias", "1.weight", "1.bias", "2.0.weight", "2.0.bias", "2.1.weight",
            "2.1.bias", "3.weight", "3.bias");
    }

    [Fact]
    public void NamedBuffers_NestedSequential_UsesPyTorchDottedNames()
    {
        var model = TrainingData.NestedModel(seed: 1);

        var names = model.NamedBuffers().Select(b => b.Name);

        names.Should().Equal("1.running_mean", "1.running_var", "1.num_batches_tracked", "2.1.running_mean",
            "2.1.running_var", "2.1.num_batches_tracked");
    }

    [Fact]
    public void NamedParameters_BareLayer_KeepsLocalNames()
    {
        var layer = new BatchNorm(3);

        layer.NamedParameters().Select(p => p.Name).Should().Equal("weight", "bias");
        layer.NamedBuffers().Select(b => b.Name).Should().Equal("running_mean", "running_var", "num_batches_tracked");
    }

    [Fact]
    public void NamedParameters_ReturnsTheLayersOwnParameterObjects()
    {
        var dense = new Dense(2, 3, seed: 1);
        var model = new Sequential(new ReLU(), dense);

        var (name, parameter) = model.NamedParameters().First();

        name.Should().Be("1.weight");
        parameter.Should().BeSameAs(dense.Weight);
    }
}
