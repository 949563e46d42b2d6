using BatchNormSharp.Tests.Helpers;

namespace BatchNormSharp.Tests.Serialization;

/// <summary>The code and the format example of <c>docs/model-files.md</c>, run here so that the page cannot drift.</summary>
public class ModelFileDocsTests
{
    [Fact]
    public void IrisExample_AsInDocs_LoadsWithoutCodeAndWritesTheDocumentedArchitecture()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("iris.safetensors");
        var inputs = TrainingData.RandomInputs(8, 4, seed: 1);

        // --- docs/model-files.md, first example (path instead of "iris.safetensors", no Fit) ---
        var model = new Sequential(
            new Dense(4, 10, seed: 1), new BatchNorm(10, eps: 1e-3, momentum: null), new ReLU(), new Dense(10, 3, seed: 2));
        ModelFile.Save(model, path);
        var loaded = ModelFile.Load<Sequential>(path);
        Prediction prediction = loaded.Predict(inputs);
        // ---

        loaded.ToString().Should().StartWith("Sequential(\n  (0): Dense(4 -> 10)\n  (1): BatchNorm(10, eps=0.001, momentum=null");
        prediction.Probabilities.ToArray().Should().Equal(model.Predict(inputs).Probabilities.ToArray());
        loaded.Mode.Should().Be(ForwardMode.Inference);
        // --- docs/model-files.md, "The format" (without its line breaks) ---
        SafeTensors.Load(path).Metadata[ModelFile.ArchitectureKey].Should().Be(
            """{"type":"Sequential","children":[""" +
            """{"name":"0","type":"Dense","config":{"in_features":4,"out_features":10}},""" +
            """{"name":"1","type":"BatchNorm","config":{"num_features":10,"eps":0.001,"momentum":null,"affine":true,""" +
            """ "track_running_stats":true,"unbiased_running_variance":true}},"""[1..] +
            """{"name":"2","type":"ReLU"},""" +
            """{"name":"3","type":"Dense","config":{"in_features":10,"out_features":3}}]}""");
    }

    [Fact]
    public void WeightsOnlyExample_AsInDocs_LoadsIntoAModelBuiltInCode()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("weights.safetensors");
        var model = TrainingData.IrisModel(seed: 1);
        var other = TrainingData.IrisModel(seed: 2);

        // --- docs/model-files.md, "A layer that does not describe itself" ---
        SafeTensors.Save(model.StateDict(), path);
        other.LoadStateDict(SafeTensors.Load(path));
        // ---

        TrainingData.AllValues(other).Should().Equal(TrainingData.AllValues(model));
    }
}
