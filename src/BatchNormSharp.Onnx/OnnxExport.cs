using System.Reflection;

namespace BatchNormSharp.Onnx;

/// <summary>
/// Writes a trained model as an ONNX file that ONNX Runtime (or any ONNX runtime) runs: PyTorch's
/// <c>torch.onnx.export</c> for this library.
/// </summary>
/// <remarks>
/// <para><b>Layers.</b> <see cref="Dense"/> becomes <c>Gemm</c>, <see cref="BatchNorm"/> (with running statistics)
/// <c>BatchNormalization</c> in inference mode, <see cref="Normalization"/> <c>Sub</c> and <c>Div</c> with constants,
/// <see cref="ReLU"/>, <see cref="Sigmoid"/> and <see cref="Tanh"/> <c>Relu</c>, <c>Sigmoid</c> and <c>Tanh</c>, and a
/// nested <see cref="Sequential"/> its layers in order. A layer of your own joins with one call to
/// <see cref="OnnxOperatorWriters.Register{TLayer}"/>. Any other layer is a <see cref="NotSupportedException"/>
/// naming it, before anything is written. Call <see cref="BatchNormFolding.FoldBatchNorm"/> first to export each
/// Dense + BatchNorm pair as a single <c>Gemm</c>.</para>
/// <para><b>Graph.</b> One input named <c>input</c>, shape <c>[batch, features]</c> with a symbolic batch dimension,
/// and one output named <c>output</c>: the model's output, or the class probabilities with
/// <see cref="OnnxExportOptions.AppendSoftmax"/>. Operator set <see cref="OpsetVersion"/> (ONNX IR version
/// <see cref="IrVersion"/>), in which ONNX Runtime runs every one of these operators in <c>double</c> and
/// <c>float</c>.</para>
/// <para><b>Files.</b> The file is written whole to a temporary file beside the target and then moved over it, so a
/// failed export leaves an existing file as it was and no partial file behind.</para>
/// </remarks>
public static class OnnxExport
{
    /// <summary>The ONNX operator set version the exported graph imports.</summary>
    public const int OpsetVersion = 15;

    /// <summary>The ONNX IR version of the exported file (IR 8 goes with operator set 15).</summary>
    public const int IrVersion = 8;

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> as an ONNX file.</summary>
    /// <param name="model">The trained model, in any mode: the export always uses the running statistics.</param>
    /// <param name="path">The file to write; an existing file is replaced only once the new one is complete.</param>
    /// <param name="options">Precision, a final softmax, the input width; defaults when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException">The path is empty, its folder does not exist, the options are out of range,
    /// or the layers do not fit together. Nothing is written.</exception>
    /// <exception cref="NotSupportedException">A layer has no ONNX export (the message names it). Nothing is
    /// written.</exception>
    /// <exception cref="IOException">The file could not be written; an existing file is left as it was.</exception>
    public static void ExportOnnx(this Layer model, string path, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException("Expected a file path for the ONNX model, but got an empty string.",
                nameof(path));
        }
        string fullPath = Path.GetFullPath(path);
        string? folder = Path.GetDirectoryName(fullPath);
        if (folder is null || !Directory.Exists(folder))
        {
            throw new ArgumentException(
                $"Expected a path in an existing folder, but the folder of '{path}' does not exist. Create it first.",
                nameof(path));
        }
        byte[] bytes = ToOnnxBytes(model, options);
        AtomicFile.Write(fullPath, bytes);
    }

    /// <summary>The ONNX file <see cref="ExportOnnx"/> would write, as bytes (for a stream, a blob or a test).</summary>
    /// <param name="model">The trained model.</param>
    /// <param name="options">Precision, a final softmax, the input width; defaults when <see langword="null"/>.</param>
    /// <returns>A serialised ONNX <c>ModelProto</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    /// <exception cref="ArgumentException">The options are out of range (an undefined precision, an empty graph name,
    /// an input width below 1), the input width is unknown, or the layers do not fit together.</exception>
    /// <exception cref="NotSupportedException">A layer has no ONNX export (the message names it).</exception>
    public static byte[] ToOnnxBytes(this Layer model, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new OnnxExportOptions();
        if (!Enum.IsDefined(options.Precision))
        {
            throw new ArgumentException(
                $"Expected OnnxPrecision.Float64 or Float32, but got {options.Precision}.", nameof(options));
        }
        if (string.IsNullOrEmpty(options.GraphName))
        {
            throw new ArgumentException(
                "Expected OnnxExportOptions.GraphName to be a name, but it is empty. Leave it at its default or name " +
                "the graph.", nameof(options));
        }
        int inputFeatures = InputFeatures(model, options);

        var graph = new OnnxGraphBuilder(options.Precision);
        var (output, width) = OnnxLayerWriter.Write(graph, model, path: string.Empty, new OnnxValue("input", inputFeatures));
        if (options.AppendSoftmax)
        {
            // axis 1: a softmax over each row's features, the probabilities Predict returns.
            output = graph.Node("/Softmax", "Softmax", [output], OnnxGraphBuilder.IntAttribute("axis", 1));
        }
        if (output == "input")
        {
            output = graph.Node("/Identity", "Identity", [output]); // an empty model still needs a node
        }
        graph.RenameLastOutput(output, "output");
        graph.Graph.Input.Add(graph.BatchValue("input", inputFeatures));
        graph.Graph.Output.Add(graph.BatchValue("output", width));
        return graph.ToModelBytes(options.GraphName, OpsetVersion, IrVersion, ProducerVersion());
    }

    private static int InputFeatures(Layer model, OnnxExportOptions options)
    {
        if (options.InputFeatures is { } given)
        {
            if (given < 1)
            {
                throw new ArgumentException(
                    $"Expected OnnxExportOptions.InputFeatures to be at least 1, but got {given}.", nameof(options));
            }
            return given;
        }
        return model.InputFeatures
            ?? throw new ArgumentException(
                "The model's first layer does not state its number of input features (it is not a Dense or a " +
                "BatchNorm). Set OnnxExportOptions.InputFeatures.", nameof(options));
    }

    private static string ProducerVersion() =>
        typeof(Layer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(Layer).Assembly.GetName().Version?.ToString()
        ?? string.Empty;
}
