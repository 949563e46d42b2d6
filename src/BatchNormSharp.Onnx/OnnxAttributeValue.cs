using BatchNormSharp.Onnx.Schema;

namespace BatchNormSharp.Onnx;

/// <summary>An attribute of an ONNX node (such as <c>BatchNormalization</c>'s <c>epsilon</c>), for
/// <see cref="OnnxWriteContext.Node"/>.</summary>
public sealed class OnnxAttributeValue
{
    private OnnxAttributeValue(AttributeProto proto) => Proto = proto;

    /// <summary>The attribute's name.</summary>
    public string Name => Proto.Name;

    internal AttributeProto Proto { get; }

    /// <summary>A float attribute (ONNX keeps floats as float32).</summary>
    /// <param name="name">Its name, e.g. <c>epsilon</c>.</param>
    /// <param name="value">Its value.</param>
    /// <returns>The attribute.</returns>
    public static OnnxAttributeValue Scalar(string name, float value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new(OnnxGraphBuilder.FloatAttribute(name, value));
    }

    /// <summary>An integer attribute.</summary>
    /// <param name="name">Its name, e.g. <c>axis</c>.</param>
    /// <param name="value">Its value.</param>
    /// <returns>The attribute.</returns>
    public static OnnxAttributeValue Scalar(string name, long value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new(OnnxGraphBuilder.IntAttribute(name, value));
    }
}
