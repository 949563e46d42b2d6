using System.Globalization;
using BatchNormSharp.Onnx.Tests.Helpers;

namespace BatchNormSharp.Onnx.Tests;

/// <summary>
/// BatchNorm folding (a core feature) measured on the samples' data sets, and the folded models exported: these
/// tests live here because this project links the samples' data and runs ONNX Runtime.
/// </summary>
public class SampleDataFoldingTests(ITestOutputHelper output)
{
    [Fact]
    public void FoldBatchNorm_IrisTestSet_PredictionsEqualTheUnfoldedModelsTo1e12()
    {
        var model = Models.TrainedIris(seed: 21);
        var test = SampleData.Iris().TestInputs;

        var folded = model.FoldBatchNorm();

        Compare("Iris", model, folded, test);
    }

    [Fact]
    public void FoldBatchNorm_DigitsTestSet_PredictionsEqualTheUnfoldedModelsTo1e12()
    {
        var model = Models.TrainedDigits(seed: 22);
        var test = SampleData.Digits().TestInputs;

        var folded = model.FoldBatchNorm();

        // The first BatchNorm reads the raw pixels: it follows no Dense and stays.
        folded.Layers.Select(l => l.GetType().Name).Should().Equal("BatchNorm", "Dense", "ReLU", "Dense");
        Compare("Digits", model, folded, test);
    }

    [Fact]
    public void ExportOnnx_FoldedDigitsModel_OnnxRuntimeMatchesTheUnfoldedLibraryModelTo1e12()
    {
        var model = Models.TrainedDigits(seed: 23);
        var test = SampleData.Digits().TestInputs;

        byte[] onnx = model.FoldBatchNorm().ToOnnxBytes(new OnnxExportOptions { AppendSoftmax = true });

        double deviation = RowDeviation.Max(OnnxRunner.RunDouble(onnx, test), model.Predict(test).Probabilities);
        output.WriteLine(Format($"Digits, folded, ONNX Runtime vs unfolded library probabilities: {deviation:E2}"));
        deviation.Should().BeLessThanOrEqualTo(1e-12);
    }

    private void Compare(string name, Sequential model, Sequential folded, Tensor test)
    {
        var logits = model.Forward(test.Clone(), ForwardMode.Inference).Clone();
        var foldedLogits = folded.Forward(test.Clone(), ForwardMode.Inference).Clone();
        double logitDeviation = RowDeviation.Max(foldedLogits, logits);
        double probabilityDeviation = RowDeviation.Max(folded.Predict(test).Probabilities, model.Predict(test).Probabilities);
        output.WriteLine(Format(
            $"{name}: folded vs unfolded logits {logitDeviation:E2}, probabilities {probabilityDeviation:E2}"));
        logitDeviation.Should().BeLessThanOrEqualTo(1e-12);
        probabilityDeviation.Should().BeLessThanOrEqualTo(1e-12);
        folded.Predict(test).Classes.Should().Equal(model.Predict(test).Classes);
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
