using BatchNormSharp.Tests.Helpers;

namespace BatchNormSharp.Tests.Models;

public class ModelSummaryTests
{
    [Fact]
    public void Summary_IrisModel_CountsTrainableAndRunningStatisticsButNotBatchCounts()
    {
        var summary = TrainingData.IrisModel(seed: 1).Summary(inputFeatures: 4);

        summary.Layers.Select(layer => (layer.Name, layer.LayerType, layer.OutputFeatures, layer.Parameters))
            .Should().Equal(("0", "Dense", 10, 50L), ("1", "BatchNorm", 10, 40L), ("2", "ReLU", 10, 0L),
                ("3", "Dense", 3, 33L), ("4", "BatchNorm", 3, 12L));
        summary.TrainableParameters.Should().Be(109);
        summary.NonTrainableParameters.Should().Be(26);
        summary.TotalParameters.Should().Be(135);
        summary.OutputFeatures.Should().Be(3);
    }

    [Fact]
    public void ToString_IrisModel_IsAKerasStyleTable()
    {
        var text = TrainingData.IrisModel(seed: 1).Summary(4).ToString();

        text.Should().Be(
            """
            Model: Sequential, input [batch, 4]
            ________________________________________
             Layer (type)    Output Shape   Param #
            ========================================
             0 (Dense)       [batch, 10]         50
             1 (BatchNorm)   [batch, 10]         40
             2 (ReLU)        [batch, 10]          0
             3 (Dense)       [batch, 3]          33
             4 (BatchNorm)   [batch, 3]          12
            ========================================
            Total params: 135
            Trainable params: 109
            Non-trainable params: 26
            ________________________________________
            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Summary_NestedModel_OpensContainersWithDottedNames()
    {
        var summary = TrainingData.NestedModel(seed: 1).Summary(3);

        summary.Layers.Select(layer => layer.Name).Should().Equal("0", "1", "2.0", "2.1", "2.2", "3");
        summary.Layers[^1].OutputFeatures.Should().Be(2);
    }

    [Fact]
    public void Summary_WrongInputWidth_ThrowsNamingTheLayer()
    {
        var act = () => TrainingData.IrisModel(seed: 1).Summary(inputFeatures: 5);

        act.Should().Throw<ArgumentException>().WithMessage("In layer 0: Dense(4 -> 10)*[batch, 4]*[*, 5]*");
    }

    [Fact]
    public void Summary_LayerOfUnknownType_IsProbedForItsWidth()
    {
        var model = new Sequential(new Dense(3, 4, seed: 1), new DuplicateColumns(), new BatchNorm(8));

        var summary = model.Summary(3);

        summary.Layers.Select(layer => layer.OutputFeatures).Should().Equal(4, 8, 8);
    }

    [Fact]
    public void Summary_UserLayer_ChangesNoModeAndRunsNothing()
    {
        var users = new DuplicateColumns();
        var model = new Sequential(new Dense(3, 4, seed: 1), users).Train();

        var summary = model.Summary(3);

        summary.OutputFeatures.Should().Be(8);
        users.Mode.Should().Be(ForwardMode.Training);
        users.ForwardCalls.Should().Be(0, "the output shape comes from OutputShape, not from a probing forward pass");
    }

    /// <summary>A user-defined layer this library knows nothing about: doubles the width.</summary>
    private sealed class DuplicateColumns : Layer
    {
        public int ForwardCalls { get; private set; }

        public override int[] OutputShape(ReadOnlySpan<int> inputShape, ForwardMode mode) =>
            [inputShape[0], 2 * inputShape[1]];

        protected override Tensor ForwardCore(Tensor input, ForwardMode mode)
        {
            ForwardCalls++;
            return base.ForwardCore(input, mode);
        }

        protected override void InferCore(ReadOnlySpan<double> input, ReadOnlySpan<int> inputShape, Span<double> output)
        {
            int rows = inputShape[0], width = inputShape[1];
            for (int i = 0; i < rows; i++)
            {
                input.Slice(i * width, width).CopyTo(output.Slice(2 * i * width, width));
                input.Slice(i * width, width).CopyTo(output.Slice((2 * i * width) + width, width));
            }
        }

        protected override Tensor? BackwardCore(Tensor outputGradient, bool computeInputGradient) =>
            throw new NotSupportedException();
    }
}
