using BatchNormSharp.Onnx.Schema;
using Google.Protobuf;

namespace BatchNormSharp.Onnx;

/// <summary>
/// Collects the nodes and constant tensors of one ONNX graph in a chosen element type. The layer writers call it; it
/// knows nothing of layers.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly GraphProto _graph = new();
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public OnnxGraphBuilder(OnnxPrecision precision) => Precision = precision;

    public OnnxPrecision Precision { get; }

    /// <summary>The ONNX element type of every tensor of the graph.</summary>
    public int ElementType => (int)(Precision == OnnxPrecision.Float64
        ? TensorProto.Types.DataType.Double
        : TensorProto.Types.DataType.Float);

    public GraphProto Graph => _graph;

    /// <summary>Adds a constant tensor of the graph's element type, named <paramref name="name"/>.</summary>
    /// <returns>The name, for use as a node input.</returns>
    public string Initializer(string name, ReadOnlySpan<double> values, params long[] dims)
    {
        var tensor = new TensorProto { Name = Unique(name), DataType = ElementType };
        tensor.Dims.Add(dims);
        if (Precision == OnnxPrecision.Float64)
        {
            // Packed double_data: exact, little-endian IEEE 754 on the wire, no text round trip.
            tensor.DoubleData.Add(values.ToArray());
        }
        else
        {
            var rounded = new float[values.Length];
            for (int i = 0; i < values.Length; i++)
            {
                rounded[i] = (float)values[i];
            }
            tensor.FloatData.Add(rounded);
        }
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds a node of the default (ai.onnx) domain with one output, named after the node.</summary>
    /// <returns>The name of the node's output.</returns>
    public string Node(string name, string opType, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { Name = Unique(name), OpType = opType };
        node.Input.Add(inputs);
        node.Output.Add(Unique(node.Name + "_output_0"));
        node.Attribute.Add(attributes);
        _graph.Node.Add(node);
        return node.Output[0];
    }

    /// <summary>Renames the graph value <paramref name="from"/> (the output of the last node) to <paramref name="to"/>.</summary>
    public void RenameLastOutput(string from, string to)
    {
        var last = _graph.Node[^1];
        int index = last.Output.IndexOf(from);
        last.Output[index] = to;
        _names.Add(to);
    }

    public static AttributeProto FloatAttribute(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto IntAttribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>A graph input or output: a tensor of the graph's type, shape <c>[batch, features]</c> with a symbolic
    /// batch dimension.</summary>
    public ValueInfoProto BatchValue(string name, int features)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = features });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = ElementType, Shape = shape } },
        };
    }

    public byte[] ToModelBytes(string graphName, int opset, long irVersion, string producerVersion)
    {
        _graph.Name = graphName;
        var model = new ModelProto
        {
            IrVersion = irVersion,
            ProducerName = "BatchNormSharp",
            ProducerVersion = producerVersion,
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = opset });
        return model.ToByteArray();
    }

    private string Unique(string name)
    {
        string candidate = name;
        for (int n = 1; !_names.Add(candidate); n++)
        {
            candidate = $"{name}_{n}";
        }
        return candidate;
    }
}
