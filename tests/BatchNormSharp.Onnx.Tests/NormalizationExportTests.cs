using System.Globalization;
using BatchNormSharp.Onnx.Tests.Helpers;

namespace BatchNormSharp.Onnx.Tests;

/// <summary>A model that scales its own inputs (Normalization first, as the Quickstart's) exports and runs in ONNX
/// Runtime like the library.</summary>
public class NormalizationExportTests(ITestOutputHelper output)
{
    [Fact]
    public void ToOnnxBytes_ModelStartingWithNormalization_OnnxRuntimeMatchesTheLibraryTo1e12()
    {
        var inputs = OffsetRows(40, seed: 11);
        var model = new Sequential(new Normalization(4).Adapt(inputs), new Dense(4, 6, seed: 1), new BatchNorm(6),
            new ReLU(), new Dense(6, 3, seed: 2));
        model.Forward(inputs, ForwardMode.Training);   // moves the running statistics away from 0 and 1

        byte[] onnx = model.ToOnnxBytes(new OnnxExportOptions { AppendSoftmax = true });
        double deviation = RowDeviation.Max(OnnxRunner.RunDouble(onnx, inputs), model.Predict(inputs).Probabilities);

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Normalization first, float64: {deviation:E2}"));
        deviation.Should().BeLessThanOrEqualTo(1e-12);
        Schema.ModelProto.Parser.ParseFrom(onnx).Graph.Node.Select(n => n.Name).Should()
            .StartWith(["/0/Sub", "/0/Div", "/1/Gemm"]);
    }

    [Fact]
    public void ToOnnxBytes_NormalizationWithAConstantColumn_DividesByTheEpsilonFloorAsTheLibrary()
    {
        var inputs = OffsetRows(10, seed: 12);
        var adapt = Tensor.FromSpan(inputs.ToArray().Select((v, i) => i % 4 == 2 ? 7.0 : v).ToArray(), 10, 4);
        var model = new Sequential(new Normalization(4).Adapt(adapt), new Dense(4, 2, seed: 3));

        double deviation = RowDeviation.Max(OnnxRunner.RunDouble(model.ToOnnxBytes(), inputs),
            model.Forward(inputs, ForwardMode.Inference));

        deviation.Should().BeLessThanOrEqualTo(1e-12);
    }

    // Inputs like 5·randn + 12 with a large offset in one column (grams next to millimetres).
    private static Tensor OffsetRows(int rows, int seed)
    {
        var random = new Random(seed);
        var values = new double[rows * 4];
        for (int i = 0; i < values.Length; i++)
        {
            double normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            values[i] = (5 * normal) + 12 + (i % 4 == 3 ? 4000 : 0);
        }
        return Tensor.FromSpan(values, rows, 4);
    }
}
