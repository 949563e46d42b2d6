using BatchNormSharp.Onnx.Tests.Helpers;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace BatchNormSharp.Onnx.Tests;

/// <summary>The code blocks of docs/onnx.md, as written there, so that they compile and run.</summary>
public class DocumentationExampleTests
{
    [Fact]
    public void DocsOnnxMd_ExportAndRunExamples_RunAsWritten()
    {
        // The examples use relative paths: run them in a folder of their own (no other test depends on the current
        // folder) and go back before the folder is deleted.
        using var folder = new TemporaryFolder();
        string previous = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(folder.Path);
        try
        {
            RunExamples();
        }
        finally
        {
            Directory.SetCurrentDirectory(previous);
        }
    }

    private static void RunExamples()
    {
        var model = Models.TrainedIris(seed: 41);

        // --- docs/onnx.md, first block
        Sequential folded = model.FoldBatchNorm();                 // a new model: Dense(4,10) -> ReLU -> Dense(10,3)
        folded.ExportOnnx("iris.onnx");                            // float64, output = the model's logits
        model.ExportOnnx("iris-probabilities.onnx",
            new OnnxExportOptions { AppendSoftmax = true });       // output = class probabilities, as Predict gives them
        model.ExportOnnx("iris-float32.onnx",
            new OnnxExportOptions { Precision = OnnxPrecision.Float32 });
        byte[] bytes = model.ToOnnxBytes();                        // the same file, in memory

        // --- docs/onnx.md, second block
        using var session = new InferenceSession("iris-probabilities.onnx");
        var input = new DenseTensor<double>(new[] { 6.1, 2.8, 4.7, 1.2 }, new[] { 1, 4 });   // [batch, features]
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("input", input) });
        double[] probabilities = results[0].AsTensor<double>().ToArray();                   // [batch, classes]

        folded.Layers.Should().HaveCount(3);
        File.ReadAllBytes("iris.onnx").Should().Equal(folded.ToOnnxBytes());
        bytes.Should().Equal(model.ToOnnxBytes());
        File.Exists("iris-float32.onnx").Should().BeTrue();
        var expected = model.Predict(Tensor.FromArray(new[,] { { 6.1, 2.8, 4.7, 1.2 } })).Probabilities.ToArray();
        probabilities.Should().HaveCount(3);
        for (int j = 0; j < 3; j++)
        {
            probabilities[j].Should().BeApproximately(expected[j], 1e-12);
        }
    }
}
