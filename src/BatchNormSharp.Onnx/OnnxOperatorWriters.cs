namespace BatchNormSharp.Onnx;

/// <summary>
/// The ONNX operator writers, keyed by layer type: how each layer becomes ONNX nodes. The library's layers are
/// registered in one place (<see cref="LibraryOperatorWriters"/>); register a writer for your own layer with one call
/// before exporting a model that holds it. A container whose children run in sequence
/// (<see cref="Layer.ChildrenRunInSequence"/>, a <see cref="Sequential"/>) needs no writer: its children are written in
/// order.
/// </summary>
/// <example>
/// <code>
/// OnnxOperatorWriters.Register&lt;Swish&gt;((context, layer) =&gt;
/// {
///     string sigmoid = context.Node("Sigmoid", [context.Input.Name]);
///     return context.Input with { Name = context.Node("Mul", [context.Input.Name, sigmoid]) };
/// });
/// </code>
/// </example>
/// <remarks>The registry is shared by the whole process and safe to use from several threads.</remarks>
public static class OnnxOperatorWriters
{
    private static readonly Lock s_lock = new();
    private static readonly Dictionary<Type, Func<OnnxWriteContext, Layer, OnnxValue>> s_writers = [];
    private static readonly List<string> s_names = [];

    static OnnxOperatorWriters() => LibraryOperatorWriters.RegisterAll();

    /// <summary>Registers the writer of layers of type <typeparamref name="TLayer"/> (exactly that type).</summary>
    /// <typeparam name="TLayer">The layer type.</typeparam>
    /// <param name="writer">Adds the layer's nodes through the context (reading <see cref="OnnxWriteContext.Input"/>)
    /// and returns the value it writes. It may throw <see cref="OnnxWriteContext.Unsupported"/> for a configuration
    /// ONNX cannot express, and <see cref="OnnxWriteContext.RequireFeatures"/> checks the input's width.</param>
    /// <exception cref="ArgumentException">A writer for that type is already registered (the library's layers have
    /// theirs); each type is registered once.</exception>
    public static void Register<TLayer>(Func<OnnxWriteContext, TLayer, OnnxValue> writer) where TLayer : Layer
    {
        ArgumentNullException.ThrowIfNull(writer);
        var type = typeof(TLayer);
        lock (s_lock)
        {
            if (!s_writers.TryAdd(type, (context, layer) => writer(context, (TLayer)layer)))
            {
                throw new ArgumentException(
                    $"An ONNX operator writer for {type.Name} is already registered; register each layer type once " +
                    "(check OnnxOperatorWriters.IsRegistered first).", nameof(writer));
            }
            s_names.Add(type.Name);
        }
    }

    /// <summary>Whether a writer is registered for layers of type <typeparamref name="TLayer"/>.</summary>
    /// <typeparam name="TLayer">The layer type.</typeparam>
    /// <returns><see langword="true"/> when registered.</returns>
    public static bool IsRegistered<TLayer>() where TLayer : Layer
    {
        lock (s_lock)
        {
            return s_writers.ContainsKey(typeof(TLayer));
        }
    }

    /// <summary>The writer registered for the layer's own type, or <see langword="null"/>.</summary>
    internal static Func<OnnxWriteContext, Layer, OnnxValue>? Find(Layer layer)
    {
        lock (s_lock)
        {
            return s_writers.TryGetValue(layer.GetType(), out var writer) ? writer : null;
        }
    }

    /// <summary>The registered layer types' names, in registration order (for messages).</summary>
    internal static IReadOnlyList<string> Names
    {
        get
        {
            lock (s_lock)
            {
                return [.. s_names];
            }
        }
    }
}
