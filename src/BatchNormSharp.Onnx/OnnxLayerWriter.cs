using System.Globalization;

namespace BatchNormSharp.Onnx;

/// <summary>
/// The one place that reads the model's layers: each supported layer becomes ONNX nodes through one small method.
/// To support another layer, add a method that adds its nodes and returns its output name and width, and one line in
/// <see cref="Write"/>. The graph is built in memory, so a layer refused half-way leaves no file behind.
/// </summary>
/// <remarks>
/// Layers are read through their public members only (<see cref="Sequential.Layers"/>, <see cref="Dense.Weight"/>,
/// <see cref="BatchNorm.RunningMean"/>, ...), so that this file is all there is to port when the layer contract
/// changes. Constant tensors take the layer's state-dict names (<c>0.weight</c>, <c>1.running_mean</c>) and nodes
/// PyTorch's exporter's style of names (<c>/0/Gemm</c>).
/// </remarks>
internal static class OnnxLayerWriter
{
    // The name of the exporting methods' parameter that holds the model, for the ArgumentException of a bad model.
    private static readonly string ModelParameter = "model";

    /// <summary>Adds the nodes of <paramref name="layer"/> to the graph.</summary>
    /// <param name="graph">The graph being built.</param>
    /// <param name="layer">The layer.</param>
    /// <param name="path">The layer's dotted path in the model (<c>2.0</c>), empty for the root.</param>
    /// <param name="input">The name of the value the layer reads.</param>
    /// <param name="width">The number of features of that value.</param>
    /// <returns>The name of the value the layer writes and its number of features.</returns>
    /// <exception cref="NotSupportedException">The layer (or one inside it) has no ONNX equivalent here.</exception>
    public static (string Output, int Width) Write(OnnxGraphBuilder graph, Layer layer, string path, string input,
        int width) => layer switch
    {
        Sequential sequential => WriteSequential(graph, sequential, path, input, width),
        Dense dense => WriteDense(graph, dense, path, input, width),
        BatchNorm batchNorm => WriteBatchNorm(graph, batchNorm, path, input, width),
        ReLU => (graph.Node(NodeName(path, "Relu"), "Relu", [input]), width),
        _ => throw Unsupported(layer, path, "it has no ONNX export yet"),
    };

    private static (string, int) WriteSequential(OnnxGraphBuilder graph, Sequential sequential, string path,
        string input, int width)
    {
        string value = input;
        for (int i = 0; i < sequential.Layers.Count; i++)
        {
            (value, width) = Write(graph, sequential.Layers[i], Child(path, i), value, width);
        }
        return (value, width);
    }

    /// <summary><c>Gemm(x, W, b)</c> = <c>x · W + b</c>; the weight is stored <c>[in, out]</c>, so no transpose.</summary>
    private static (string, int) WriteDense(OnnxGraphBuilder graph, Dense dense, string path, string input, int width)
    {
        RequireWidth(dense, path, dense.InFeatures, width);
        var weight = dense.Weight.Value;
        if (weight.Rank != 2 || weight.Shape[0] != dense.InFeatures || weight.Shape[1] != dense.OutFeatures)
        {
            throw new InvalidOperationException(
                $"ONNX export expected the weight of layer {path} ({dense}) stored [in, out] = [{dense.InFeatures}, " +
                $"{dense.OutFeatures}], but it is {dense.Weight}. The Dense layout changed; update OnnxLayerWriter.");
        }
        string w = graph.Initializer(StateName(path, "weight"), weight.AsReadOnlySpan(), dense.InFeatures,
            dense.OutFeatures);
        string b = graph.Initializer(StateName(path, "bias"), dense.Bias.Value.AsReadOnlySpan(), dense.OutFeatures);
        return (graph.Node(NodeName(path, "Gemm"), "Gemm", [input, w, b]), dense.OutFeatures);
    }

    /// <summary>
    /// <c>BatchNormalization</c> in inference mode with the running statistics. ONNX keeps <c>epsilon</c> as a
    /// float32 attribute, so 1e-5 would become 9.99999975e-6; the difference is added to the exported variance, so
    /// that ONNX Runtime's <c>var + epsilon</c> equals the library's <c>runningVar + eps</c> to rounding.
    /// (<c>momentum</c> only matters in training and is not written.)
    /// </summary>
    private static (string, int) WriteBatchNorm(OnnxGraphBuilder graph, BatchNorm batchNorm, string path,
        string input, int width)
    {
        if (!batchNorm.TrackRunningStats)
        {
            throw Unsupported(batchNorm, path,
                "it has no running statistics, so it normalises with each batch's own statistics even in " +
                "inference, which ONNX's inference-mode BatchNormalization cannot do; train it with " +
                "trackRunningStats: true");
        }
        int n = batchNorm.NumFeatures;
        RequireWidth(batchNorm, path, n, width);
        float epsilon = (float)batchNorm.Eps;
        double epsilonCorrection = batchNorm.Eps - epsilon;
        var variance = batchNorm.RunningVar!.ToArray();
        for (int j = 0; j < n; j++)
        {
            variance[j] += epsilonCorrection;
        }
        var ones = new double[n];
        ones.AsSpan().Fill(1.0);
        string scale = graph.Initializer(StateName(path, "weight"),
            batchNorm.Weight is { } gamma ? gamma.Value.AsReadOnlySpan() : ones, n);
        string bias = graph.Initializer(StateName(path, "bias"),
            batchNorm.Bias is { } beta ? beta.Value.AsReadOnlySpan() : new double[n], n);
        string mean = graph.Initializer(StateName(path, "running_mean"), batchNorm.RunningMean!.AsReadOnlySpan(), n);
        string var = graph.Initializer(StateName(path, "running_var"), variance, n);
        string output = graph.Node(NodeName(path, "BatchNormalization"), "BatchNormalization",
            [input, scale, bias, mean, var], OnnxGraphBuilder.FloatAttribute("epsilon", epsilon));
        return (output, n);
    }

    private static void RequireWidth(Layer layer, string path, int expected, int width)
    {
        if (width != expected)
        {
            throw new ArgumentException(
                $"ONNX export expected layer {Describe(path)} ({layer}) to receive {expected} features, but the " +
                $"layers in front of it give {width}. Export a model whose layers fit together (it would fail in " +
                "Forward as well).", ModelParameter);
        }
    }

    private static NotSupportedException Unsupported(Layer layer, string path, string reason) => new(
        $"ONNX export supports Dense, BatchNorm (with running statistics), ReLU and Sequential, but layer " +
        $"{Describe(path)} is {layer} ({layer.GetType().Name}): {reason}. Nothing was written.");

    private static string Describe(string path) => path.Length == 0 ? "(the model itself)" : path;

    private static string Child(string path, int index) =>
        path.Length == 0
            ? index.ToString(CultureInfo.InvariantCulture)
            : path + "." + index.ToString(CultureInfo.InvariantCulture);

    private static string StateName(string path, string name) => path.Length == 0 ? name : path + "." + name;

    private static string NodeName(string path, string opType) =>
        "/" + (path.Length == 0 ? opType : path.Replace('.', '/') + "/" + opType);
}
