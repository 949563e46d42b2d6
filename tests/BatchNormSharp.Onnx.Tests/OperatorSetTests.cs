using BatchNormSharp.Onnx.Schema;
using BatchNormSharp.Onnx.Tests.Helpers;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace BatchNormSharp.Onnx.Tests;

/// <summary>
/// Which operator sets ONNX Runtime runs the exported operators in, in double: the reason for
/// <see cref="OnnxExport.OpsetVersion"/>. The exported file is re-labelled with each opset and run.
/// </summary>
public class OperatorSetTests
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

    [Theory]
    [InlineData(9)]
    [InlineData(11)]
    [InlineData(13)]
    [InlineData(14)]
    [InlineData(15)]
    [InlineData(17)]
    [InlineData(19)]
    [InlineData(21)]
    [InlineData(22)]
    [InlineData(23)]
    public void ToOnnxBytes_RelabelledWithOtherOperatorSet_GivesPredictsProbabilitiesInDouble(int opset)
    {
        // The exported operators (Gemm, BatchNormalization, Relu, Softmax in double) mean the same from opset 9 to
        // 23 in ONNX Runtime 1.31, so a user who re-labels the file for an older or newer runtime keeps the same model:
        // it must run, and give Predict's probabilities.
        var model = Models.TrainedIris(seed: 32);
        var proto = ModelProto.Parser.ParseFrom(model.ToOnnxBytes(new OnnxExportOptions { AppendSoftmax = true }));
        proto.OpsetImport[0].Version = opset;
        proto.IrVersion = opset >= 21 ? 10 : OnnxExport.IrVersion;
        byte[] relabelled = proto.ToByteArray();
        var inputs = SampleData.Iris().TestInputs;

        Runs(relabelled).Should().BeNull("opset {0} runs the exported operators in double", opset);
        RowDeviation.Max(OnnxRunner.RunDouble(relabelled, inputs), model.Predict(inputs).Probabilities)
            .Should().BeLessThanOrEqualTo(1e-12, "opset {0} computes what the library computes", opset);
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
