using System.Text.Json;
using BatchNormSharp.Tests.Helpers;

namespace BatchNormSharp.Tests.Serialization;

/// <summary>
/// Files written by PyTorch (tools/pytorch/make_fixture.py: a float64 torch.nn.Sequential trained a few steps) load
/// into the same architecture here and predict what PyTorch predicted; files written here have the names, shapes and
/// dtypes PyTorch's load_state_dict expects.
/// </summary>
public class PyTorchInteropTests
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures");

    [Fact]
    public void LoadStateDict_PyTorchFile_PredictsPyTorchsEvalProbabilitiesTo1e10()
    {
        var model = FixtureArchitecture();
        var expected = ReadPredictions();

        model.LoadStateDict(SafeTensors.Load(Path.Combine(Fixtures, "pytorch_model.safetensors")));
        var prediction = model.Predict(Tensor.FromRows(expected.Inputs));

        var probabilities = Tensor.FromRows(expected.Probabilities);
        MaxAbsDifference(prediction.Probabilities, probabilities).Should().BeLessThanOrEqualTo(1e-10);
        prediction.Classes.Should().Equal(probabilities.ArgMaxRows());
    }

    [Fact]
    public void LoadStateDict_PyTorchFile_MatchesPyTorchsLogitsTo1e10()
    {
        var model = FixtureArchitecture();
        var expected = ReadPredictions();

        model.LoadStateDict(SafeTensors.Load(Path.Combine(Fixtures, "pytorch_model.safetensors")));
        var logits = model.Forward(Tensor.FromRows(expected.Inputs), ForwardMode.Inference);

        MaxAbsDifference(logits, Tensor.FromRows(expected.Logits)).Should().BeLessThanOrEqualTo(1e-10);
    }

    [Fact]
    public void LoadStateDict_PyTorchFile_KeepsTheBatchCount()
    {
        var model = FixtureArchitecture();

        model.LoadStateDict(SafeTensors.Load(Path.Combine(Fixtures, "pytorch_model.safetensors")));

        TrainingData.BatchNorms(model).Select(bn => bn.NumBatchesTracked)
            .Should().AllBeEquivalentTo(ReadPredictions().NumBatchesTracked);
    }

    [Fact]
    public void Save_SameArchitecture_WritesTheHeaderPyTorchWrote()
    {
        var pytorchHeader = Entries(File.ReadAllBytes(Path.Combine(Fixtures, "pytorch_model.safetensors")));

        var libraryHeader = Entries(SafeTensorsFiles.ToBytes(FixtureArchitecture().StateDict()));

        // Same names in the same order, same dtypes, same shapes, same byte ranges: PyTorch's
        // load_state_dict(strict=True) accepts the file (tools/pytorch/check_library_file.py does exactly that).
        libraryHeader.Should().Equal(pytorchHeader);
    }

    /// <summary>Linear(4,6) → BatchNorm1d(6) → ReLU → Linear(6,3) → BatchNorm1d(3), as in make_fixture.py.</summary>
    private static Sequential FixtureArchitecture()
    {
        var random = new Random(0);
        return new Sequential(new Dense(4, 6, random), new BatchNorm(6), new ReLU(), new Dense(6, 3, random),
            new BatchNorm(3));
    }

    private sealed record Predictions(double[][] Inputs, double[][] Logits, double[][] Probabilities,
        long NumBatchesTracked);

    private static Predictions ReadPredictions()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures, "pytorch_predictions.json")));
        var root = document.RootElement;
        return new Predictions(Matrix(root.GetProperty("inputs")), Matrix(root.GetProperty("logits")),
            Matrix(root.GetProperty("probabilities")), root.GetProperty("num_batches_tracked").GetInt64());
    }

    private static double[][] Matrix(JsonElement rows) =>
        [.. rows.EnumerateArray().Select(row => row.EnumerateArray().Select(x => x.GetDouble()).ToArray())];

    /// <summary>Each tensor entry of a file's header as "name dtype [shape] [begin, end]".</summary>
    private static List<string> Entries(byte[] file)
    {
        using var header = JsonDocument.Parse(SafeTensorsFiles.HeaderOf(file));
        return [.. header.RootElement.EnumerateObject().Where(p => p.Name != "__metadata__").Select(p =>
            $"{p.Name} {p.Value.GetProperty("dtype").GetString()} {p.Value.GetProperty("shape").GetRawText()} " +
            $"{p.Value.GetProperty("data_offsets").GetRawText()}")];
    }

    private static double MaxAbsDifference(Tensor a, Tensor b)
    {
        a.Shape.ToArray().Should().Equal(b.Shape.ToArray());
        double worst = 0;
        for (int i = 0; i < a.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(a.AsReadOnlySpan()[i] - b.AsReadOnlySpan()[i]));
        }
        return worst;
    }
}
