namespace BatchNormSharp.Onnx;

/// <summary>
/// What an operator writer (<see cref="OnnxOperatorWriters.Register{TLayer}"/>) gets to add one layer to the ONNX
/// graph: the layer's place in the model, the value it reads, and methods that add constants and nodes named the way
/// the rest of the graph is (constants by state-dict name, <c>0.weight</c>; nodes PyTorch's exporter's way,
/// <c>/0/Gemm</c>).
/// </summary>
public sealed class OnnxWriteContext
{
    // The name of the exporting methods' parameter that holds the model, for the ArgumentException of a bad model.
    private static readonly string ModelParameter = "model";

    private readonly OnnxGraphBuilder _graph;

    internal OnnxWriteContext(OnnxGraphBuilder graph, string path, OnnxValue input)
    {
        _graph = graph;
        Path = path;
        Input = input;
    }

    /// <summary>The layer's dotted path in the model (<c>2.0</c>), empty for the model itself.</summary>
    public string Path { get; }

    /// <summary>The value the layer reads.</summary>
    public OnnxValue Input { get; }

    /// <summary>The element type of every tensor of the graph; constants are rounded to it by
    /// <see cref="Constant"/>.</summary>
    public OnnxPrecision Precision => _graph.Precision;

    /// <summary>Adds a constant tensor named after the layer's state (<c>{Path}.{name}</c>).</summary>
    /// <param name="name">The local name, e.g. <c>weight</c>.</param>
    /// <param name="values">The values, row-major, in double (rounded to float32 for a float32 graph).</param>
    /// <param name="dims">The tensor's shape; a vector of one value per feature broadcasts over the batch.</param>
    /// <returns>The constant's name, for use as a node input.</returns>
    public string Constant(string name, ReadOnlySpan<double> values, params long[] dims)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(dims);
        return _graph.Initializer(OnnxWriteContext.Join(Path, name), values, dims);
    }

    /// <summary>Adds a node of the default (ai.onnx) domain with one output, named <c>/{path}/{opType}</c>.</summary>
    /// <param name="opType">The operator, e.g. <c>Gemm</c>.</param>
    /// <param name="inputs">Its inputs' names: <see cref="Input"/>, constants, or outputs of nodes added before.</param>
    /// <param name="attributes">Its attributes.</param>
    /// <returns>The name of the node's output.</returns>
    public string Node(string opType, IEnumerable<string> inputs, params OnnxAttributeValue[] attributes)
    {
        ArgumentException.ThrowIfNullOrEmpty(opType);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(attributes);
        string name = "/" + (Path.Length == 0 ? opType : Path.Replace('.', '/') + "/" + opType);
        return _graph.Node(name, opType, inputs, [.. attributes.Select(attribute => attribute.Proto)]);
    }

    /// <summary>Adds the nodes of a child of the layer (for a container of your own), reading
    /// <paramref name="input"/>.</summary>
    /// <param name="child">The child, with its local name.</param>
    /// <param name="input">The value it reads.</param>
    /// <returns>The value it writes.</returns>
    /// <exception cref="NotSupportedException">The child (or a layer inside it) has no ONNX export.</exception>
    public OnnxValue WriteChild(NamedLayer child, OnnxValue input) =>
        OnnxLayerWriter.Write(_graph, child.Layer, OnnxWriteContext.Join(Path, child.Name), input);

    /// <summary>Throws unless the layer's input has <paramref name="expected"/> features.</summary>
    /// <param name="layer">The layer (named in the message).</param>
    /// <param name="expected">The features it takes.</param>
    /// <exception cref="ArgumentException">The layers in front of it give another number of features.</exception>
    public void RequireFeatures(Layer layer, int expected)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (Input.Features != expected)
        {
            throw new ArgumentException(
                $"ONNX export expected layer {Describe(Path)} ({layer}) to receive {expected} features, but the " +
                $"layers in front of it give {Input.Features}. Export a model whose layers fit together (it would " +
                "fail in Forward as well).", ModelParameter);
        }
    }

    /// <summary>The exception a writer throws for a layer it cannot express in ONNX.</summary>
    /// <param name="layer">The layer.</param>
    /// <param name="reason">Why, and what to do instead.</param>
    /// <returns>An exception naming the layer and its path; throw it.</returns>
    public NotSupportedException Unsupported(Layer layer, string reason)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return OnnxLayerWriter.Unsupported(layer, Path, reason);
    }

    /// <summary>Joins a path and a local name with a dot, as state-dict names do.</summary>
    internal static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    internal static string Describe(string path) => path.Length == 0 ? "(the model itself)" : path;
}
