using System.Globalization;

namespace BatchNormSharp;

/// <summary>
/// Works out how many features each layer of a model produces from a given input width, without running the model,
/// so that a shape error is caught before any layer changes its state.
/// </summary>
internal static class ShapeInference
{
    /// <summary>
    /// The width of <paramref name="layer"/>'s output for inputs of <paramref name="inputFeatures"/> features, or
    /// <see langword="null"/> when the layer is of a type this library does not know (a user's own layer).
    /// </summary>
    /// <param name="layer">The layer or container.</param>
    /// <param name="inputFeatures">The input width.</param>
    /// <param name="parameterName">The argument the error is about, e.g. <c>input</c>.</param>
    /// <param name="path">The layer's dotted name, for the error message; empty for the model itself.</param>
    /// <exception cref="ArgumentException">A layer does not accept the width it would receive.</exception>
    public static int? OutputFeatures(ILayer layer, int inputFeatures, string? parameterName = null, string path = "")
    {
        switch (layer)
        {
            case Sequential sequential:
                int? width = inputFeatures;
                for (int i = 0; i < sequential.Layers.Count && width is { } known; i++)
                {
                    width = OutputFeatures(sequential.Layers[i], known, parameterName,
                        LayerTree.Join(path, i.ToString(CultureInfo.InvariantCulture)));
                }
                return width;
            case Dense dense:
                Require(dense.InFeatures, inputFeatures, layer, parameterName, path);
                return dense.OutFeatures;
            case BatchNorm batchNorm:
                Require(batchNorm.NumFeatures, inputFeatures, layer, parameterName, path);
                return batchNorm.NumFeatures;
            case ReLU:
                return inputFeatures;
            default:
                return null;
        }
    }

    /// <summary>
    /// The widest tensor a batch meets on its way through <paramref name="layer"/>: the largest of the input width and
    /// every layer's output width, or <see langword="null"/> when a layer of unknown type hides a width. A batch of
    /// <c>n</c> rows needs arrays of <c>n</c> times this many values.
    /// </summary>
    public static int? WidestFeatures(ILayer layer, int inputFeatures)
    {
        int widest = inputFeatures;
        int? width = inputFeatures;
        foreach (var leaf in LayerTree.Leaves(layer))
        {
            width = OutputFeatures(leaf.Layer, width!.Value);
            if (width is not { } known)
            {
                return null;
            }
            widest = Math.Max(widest, known);
        }
        return widest;
    }

    /// <summary>
    /// Whether a forward pass of <paramref name="model"/> in <paramref name="mode"/> normalises with batch statistics
    /// somewhere, and so needs at least two rows per batch.
    /// </summary>
    public static bool UsesBatchStatistics(ILayer model, ForwardMode mode) =>
        LayerTree.Leaves(model).Any(leaf => leaf.Layer is BatchNorm batchNorm &&
                                            (mode == ForwardMode.Training || !batchNorm.TrackRunningStats));

    private static void Require(int expected, int actual, ILayer layer, string? parameterName, string path)
    {
        if (expected != actual)
        {
            string where = path.Length == 0 ? layer.ToString()! : $"Layer {path} ({layer})";
            throw new ArgumentException(
                $"{where} expects input of shape [batch, {expected.ToString(CultureInfo.InvariantCulture)}], but " +
                $"would receive [batch, {actual.ToString(CultureInfo.InvariantCulture)}].", parameterName);
        }
    }
}
