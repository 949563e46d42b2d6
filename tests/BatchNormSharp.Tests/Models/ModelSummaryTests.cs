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

        act.Should().Throw<ArgumentException>().WithMessage("*Layer 0 (Dense(4 -> 10))*[batch, 4]*[batch, 5]*");
    }

    [Fact]
    public void Summary_LayerOfUnknownType_IsProbedForItsWidth()
    {
        var model = new Sequential(new Dense(3, 4, seed: 1), new DuplicateColumns(), new BatchNorm(8));

        var summary = model.Summary(3);

        summary.Layers.Select(layer => layer.OutputFeatures).Should().Equal(4, 8, 8);
    }

    [Fact]
    public void Summary_LayerOfUnknownType_KeepsItsMode()
    {
        var probed = new DuplicateColumns();
        var model = new Sequential(new Dense(3, 4, seed: 1), probed).Train();

        model.Summary(3);

        probed.Mode.Should().Be(ForwardMode.Training, "probing in inference mode must not leave the layer there");
    }

    /// <summary>A user-defined layer this library knows nothing about: doubles the width.</summary>
    private sealed class DuplicateColumns : ILayer
    {
        public IReadOnlyList<Parameter> Parameters => [];
        public IReadOnlyList<StateBuffer> Buffers => [];

        public ForwardMode Mode { get; set; }

        public Tensor Forward(Tensor input, ForwardMode mode)
        {
            Mode = mode; // the ILayer contract: a forward pass leaves the layer in its mode
            int rows = input.Shape[0], width = input.Shape[1];
            var output = Tensor.Zeros(rows, 2 * width);
            for (int i = 0; i < rows; i++)
            {
                input.Row(i).CopyTo(output.Row(i));
                input.Row(i).CopyTo(output.Row(i)[width..]);
            }
            return output;
        }

        public Tensor Backward(Tensor outputGradient) => throw new NotSupportedException();
    }
}
