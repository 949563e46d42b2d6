using BatchNormSharp.Onnx.Schema;
using BatchNormSharp.Onnx.Tests.Helpers;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace BatchNormSharp.Onnx.Tests;

/// <summary>
/// Which operator sets ONNX Runtime runs the exported operators in, in double: the reason for
/// <see cref="OnnxExport.OpsetVersion"/>. The exported file is re-labelled with each opset and run.
/// </summary>
public class OperatorSetTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(OnnxPrecision.Float64)]
    [InlineData(OnnxPrecision.Float32)]
    public void ToOnnxBytes_ChosenOperatorSet_RunsInOnnxRuntime(OnnxPrecision precision)
    {
        var model = Models.TrainedIris(seed: 31);
        byte[] onnx = model.ToOnnxBytes(new OnnxExportOptions { Precision = precision, AppendSoftmax = true });

        Runs(onnx).Should().BeNull();
    }

    [Fact]
    public void OperatorSets_EachVersion_ReportWhichRunInDouble()
    {
        // A record, not a requirement: prints which opsets ONNX Runtime accepts for Gemm, BatchNormalization, Relu
        // and Softmax in double, so that a change of ONNX Runtime shows here.
        var model = Models.TrainedIris(seed: 32);
        byte[] onnx = model.ToOnnxBytes(new OnnxExportOptions { AppendSoftmax = true });
        foreach (int opset in new[] { 9, 11, 13, 14, 15, 17, 19, 21, 22, 23 })
        {
            var proto = ModelProto.Parser.ParseFrom(onnx);
            proto.OpsetImport[0].Version = opset;
            proto.IrVersion = opset >= 21 ? 10 : OnnxExport.IrVersion;
            string? error = Runs(proto.ToByteArray());
            output.WriteLine($"opset {opset}: {error ?? "runs"}");
        }
    }

    private static string? Runs(byte[] onnx)
    {
        try
        {
            var inputs = SampleData.Iris().TestInputs;
            var type = OnnxRunner.Describe(onnx, input: true).Type;
            var result = type == typeof(double) ? OnnxRunner.RunDouble(onnx, inputs) : OnnxRunner.RunSingle(onnx, inputs);
            return result.Shape[0] == inputs.Shape[0] ? null : "wrong shape";
        }
        catch (OnnxRuntimeException e)
        {
            return e.Message.Split('\n')[0];
        }
    }
}
