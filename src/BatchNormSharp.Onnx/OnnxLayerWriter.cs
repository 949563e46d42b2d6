namespace BatchNormSharp.Onnx;

/// <summary>
/// Walks the model through the layer contract and adds each layer's nodes with the writer registered for its type
/// (<see cref="OnnxOperatorWriters"/>); a container whose children run in sequence without a writer of its own is
/// written child by child. No layer type is named here. The graph is built in memory, so a layer refused half-way
/// leaves no file behind.
/// </summary>
internal static class OnnxLayerWriter
{
    /// <summary>Adds the nodes of <paramref name="layer"/> to the graph.</summary>
    /// <param name="graph">The graph being built.</param>
    /// <param name="layer">The layer.</param>
    /// <param name="path">The layer's dotted path in the model (<c>2.0</c>), empty for the root.</param>
    /// <param name="input">The value the layer reads.</param>
    /// <returns>The value the layer writes.</returns>
    /// <exception cref="NotSupportedException">The layer (or one inside it) has no ONNX export.</exception>
    public static OnnxValue Write(OnnxGraphBuilder graph, Layer layer, string path, OnnxValue input)
    {
        if (OnnxOperatorWriters.Find(layer) is { } writer)
        {
            return writer(new OnnxWriteContext(graph, path, input), layer);
        }
        if (layer.ChildrenRunInSequence)
        {
            var value = input;
            foreach (var child in layer.Children)
            {
                value = Write(graph, child.Layer, OnnxWriteContext.Join(path, child.Name), value);
            }
            return value;
        }
        throw Unsupported(layer, path,
            "it has no ONNX operator writer; register one with OnnxOperatorWriters.Register<" +
            $"{layer.GetType().Name}>((context, layer) => ...) (a container whose children run in sequence needs none)");
    }

    /// <summary>The exception for a layer that cannot be exported, listing what can.</summary>
    internal static NotSupportedException Unsupported(Layer layer, string path, string reason) => new(
        $"ONNX export supports {string.Join(", ", OnnxOperatorWriters.Names)} and Sequential, but " +
        $"layer {OnnxWriteContext.Describe(path)} is {layer} ({layer.GetType().Name}): " +
        $"{reason}. Nothing was written.");
}
