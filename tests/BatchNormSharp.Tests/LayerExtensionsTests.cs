using BatchNormSharp.Tests.Helpers;

namespace BatchNormSharp.Tests;

public class LayerExtensionsTests
{
    [Fact]
    public void Mode_NewLayers_StartInTrainingLikePyTorch()
    {
        Layer[] layers = [new Dense(2, 3, seed: 1), new BatchNorm(3), new ReLU(), new Sequential()];

        layers.Select(layer => layer.Mode).Should().AllBeEquivalentTo(ForwardMode.Training);
    }

    [Fact]
    public void Eval_NestedModel_ReachesEveryLayer()
    {
        var model = TrainingData.NestedModel(seed: 3);

        model.Eval();

        AllLayers(model).Should().HaveCount(8).And.OnlyContain(layer => layer.Mode == ForwardMode.Inference);
        model.Train();
        AllLayers(model).Should().OnlyContain(layer => layer.Mode == ForwardMode.Training);
    }

    [Fact]
    public void Forward_WithExplicitMode_LeavesEveryLayerInThatMode()
    {
        var model = TrainingData.NestedModel(seed: 3);

        model.Forward(TestData.Normal(6, 3, seed: 4), ForwardMode.Inference);

        AllLayers(model).Should().OnlyContain(layer => layer.Mode == ForwardMode.Inference);
    }

    [Fact]
    public void Forward_WithoutMode_UsesTheCurrentMode()
    {
        var model = TrainingData.NestedModel(seed: 3).Eval();
        var before = StateSnapshot.Of(model);

        model.Forward(TestData.Normal(6, 3, seed: 4, mean: 5.0));

        before.ShouldBeUnchanged("inference mode must leave the running statistics alone");
        model.Train().Forward(TestData.Normal(6, 3, seed: 4, mean: 5.0));
        before.FirstDifference().Should().NotBeNull("training mode updates the running statistics");
    }

    [Fact]
    public void Backward_AfterModeSwitch_ThrowsNamingBothModesAndChangesNothing()
    {
        var model = TrainingData.IrisModel(seed: 2);
        var logits = model.Forward(TestData.Normal(8, 4, seed: 5, mean: 3.0), ForwardMode.Training);
        var gradient = TestData.Normal(logits.Shape[0], logits.Shape[1], seed: 6);
        model.Eval();
        var before = StateSnapshot.Of(model);

        var act = () => model.Backward(gradient);

        act.Should().Throw<InvalidOperationException>()
            .WithMessage("*forward pass ran in Training mode*switched to Inference mode*");
        before.ShouldBeUnchanged();
    }

    [Fact]
    public void Backward_AfterSwitchingBack_Runs()
    {
        var batchNorm = new BatchNorm(3);
        batchNorm.Forward(TestData.Normal(4, 3, seed: 7), ForwardMode.Training);
        batchNorm.Eval().Train();

        var act = () => batchNorm.Backward(TestData.Normal(4, 3, seed: 8));

        act.Should().NotThrow();
        batchNorm.Weight!.Gradient.AsReadOnlySpan().ToArray().Should().Contain(value => value != 0.0);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(2)]
    public void Mode_UndefinedValue_ThrowsAndKeepsMode(int value)
    {
        var model = TrainingData.IrisModel(seed: 2);

        var act = () => model.Mode = (ForwardMode)value;

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage($"*Training or ForwardMode.Inference, but got {value}*");
        AllLayers(model).Should().OnlyContain(layer => layer.Mode == ForwardMode.Training);
    }

    private static IEnumerable<Layer> AllLayers(Layer layer) =>
        layer is Sequential sequential ? sequential.Layers.SelectMany(AllLayers).Prepend(layer) : [layer];
}
