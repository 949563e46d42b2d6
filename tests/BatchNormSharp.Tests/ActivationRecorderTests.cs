namespace BatchNormSharp.Tests;

public class ActivationRecorderTests
{
    [Fact]
    public void Record_BatchNormInsideAModel_CopiesItsInputAndOutput()
    {
        var random = new Random(1);
        var model = new Sequential(new Dense(3, 4, random), new BatchNorm(4), new ReLU());
        var x = TestData.Normal(6, 3, seed: 2, mean: 5);
        var batchNorm = model.NamedLayers().Single(entry => entry.Layer is BatchNorm).Layer;
        using var recorder = new ActivationRecorder(batchNorm);

        model.Forward(x, ForwardMode.Training);
        model.Forward(x, ForwardMode.Inference);

        recorder.Inputs.Should().HaveCount(2);
        recorder.Modes.Should().Equal(ForwardMode.Training, ForwardMode.Inference);
        recorder.Inputs[1].ToArray().Should().Equal(((Dense)model.Layers[0]).Forward(x, ForwardMode.Inference).ToArray());
        recorder.Outputs[0].Should().NotBeSameAs(recorder.Outputs[1], "each pass is copied, not the reused storage");
    }

    [Fact]
    public void Dispose_StopsRecordingAndKeepsWhatWasRecorded()
    {
        var layer = new ReLU();
        var recorder = new ActivationRecorder(layer);
        layer.Forward(TestData.Normal(2, 2, seed: 3), ForwardMode.Training);

        recorder.Dispose();
        layer.Forward(TestData.Normal(2, 2, seed: 4), ForwardMode.Training);

        recorder.Outputs.Should().HaveCount(1);
    }

    [Fact]
    public void NamedLayers_NestedModel_NamesEveryLayerAsPyTorchsNamedModules()
    {
        var random = new Random(5);
        var model = new Sequential(new Dense(2, 3, random), new Sequential(new BatchNorm(3), new ReLU()));

        model.NamedLayers().Select(entry => $"{entry.Name}:{entry.Layer.GetType().Name}").Should().Equal(
            ":Sequential", "0:Dense", "1:Sequential", "1.0:BatchNorm", "1.1:ReLU");
    }
}
