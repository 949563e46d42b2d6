using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace BatchNormSharp.Onnx.Tests.Helpers;

/// <summary>Runs an exported model in ONNX Runtime on the rows of a <see cref="Tensor"/>.</summary>
internal static class OnnxRunner
{
    /// <summary>The <c>output</c> of a float64 model for <paramref name="inputs"/>, as a <c>[rows, outputs]</c> tensor.</summary>
    public static Tensor RunDouble(byte[] model, Tensor inputs)
    {
        using var session = new InferenceSession(model);
        var input = new DenseTensor<double>(inputs.ToArray(), [inputs.Shape[0], inputs.Shape[1]]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", input)]);
        var output = results.Single(r => r.Name == "output").AsTensor<double>();
        return Tensor.FromSpan(output.ToArray(), output.Dimensions[0], output.Dimensions[1]);
    }

    /// <summary>The <c>output</c> of a float32 model for <paramref name="inputs"/> rounded to float32, widened back.</summary>
    public static Tensor RunSingle(byte[] model, Tensor inputs)
    {
        using var session = new InferenceSession(model);
        float[] rounded = [.. inputs.ToArray().Select(v => (float)v)];
        var input = new DenseTensor<float>(rounded, [inputs.Shape[0], inputs.Shape[1]]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", input)]);
        var output = results.Single(r => r.Name == "output").AsTensor<float>();
        return Tensor.FromSpan([.. output.ToArray().Select(v => (double)v)], output.Dimensions[0],
            output.Dimensions[1]);
    }

    /// <summary>The session's declared input and output: names, element types and shapes (-1 for a symbolic
    /// dimension).</summary>
    public static (string Name, Type Type, int[] Shape) Describe(byte[] model, bool input)
    {
        using var session = new InferenceSession(model);
        var (name, metadata) = (input ? session.InputMetadata : session.OutputMetadata).Single();
        return (name, metadata.ElementType, metadata.Dimensions);
    }
}
