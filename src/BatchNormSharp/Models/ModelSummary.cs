using System.Globalization;
using System.Text;

namespace BatchNormSharp;

/// <summary>
/// A model's layers with their output shapes and parameter counts, and the totals: the data of Keras's
/// <c>model.summary()</c>, with a plain-text table as <see cref="ToString"/>.
/// </summary>
/// <remarks>
/// Trainable parameters are the values an optimizer updates; non-trainable ones are the float running statistics
/// (<c>running_mean</c>, <c>running_var</c>), which Keras also lists. <c>num_batches_tracked</c> is an integer count,
/// not a parameter, and is not counted. Create one with <see cref="SummaryExtensions.Summary"/>.
/// </remarks>
public sealed class ModelSummary
{
    private ModelSummary(string modelType, int inputFeatures, IReadOnlyList<LayerSummary> layers)
    {
        ModelType = modelType;
        InputFeatures = inputFeatures;
        Layers = layers;
    }

    /// <summary>The model's type name, e.g. <c>Sequential</c>.</summary>
    public string ModelType { get; }

    /// <summary>The input width the shapes were worked out for.</summary>
    public int InputFeatures { get; }

    /// <summary>One row per layer (containers are opened up), in forward order.</summary>
    public IReadOnlyList<LayerSummary> Layers { get; }

    /// <summary>The width of the model's output.</summary>
    public int OutputFeatures => Layers.Count == 0 ? InputFeatures : Layers[^1].OutputFeatures;

    /// <summary>The number of values the optimizer trains.</summary>
    public long TrainableParameters => Layers.Sum(layer => layer.TrainableParameters);

    /// <summary>The number of float values in running statistics.</summary>
    public long NonTrainableParameters => Layers.Sum(layer => layer.NonTrainableParameters);

    /// <summary>Trainable and non-trainable values together.</summary>
    public long TotalParameters => TrainableParameters + NonTrainableParameters;

    /// <summary>The summary as a plain-text table in the style of Keras.</summary>
    /// <returns>A multi-line table: a row per layer, then the totals.</returns>
    public override string ToString()
    {
        string[] headings = ["Layer (type)", "Output Shape", "Param #"];
        var rows = Layers.Select(layer => new[]
        {
            layer.Name.Length == 0 ? $"({layer.LayerType})" : $"{layer.Name} ({layer.LayerType})",
            OutputShape(layer.OutputFeatures),
            Count(layer.Parameters),
        }).ToList();
        int[] widths = [.. Enumerable.Range(0, 3).Select(c => rows.Select(r => r[c].Length).Append(headings[c].Length).Max())];
        int lineWidth = widths.Sum() + 8;

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Model: {ModelType}, input {OutputShape(InputFeatures)}\n");
        text.Append('_', lineWidth).Append('\n');
        AppendRow(text, headings, widths);
        text.Append('=', lineWidth).Append('\n');
        foreach (var row in rows)
        {
            AppendRow(text, row, widths);
        }
        text.Append('=', lineWidth).Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"Total params: {Count(TotalParameters)}\n");
        text.Append(CultureInfo.InvariantCulture, $"Trainable params: {Count(TrainableParameters)}\n");
        text.Append(CultureInfo.InvariantCulture, $"Non-trainable params: {Count(NonTrainableParameters)}\n");
        text.Append('_', lineWidth);
        return text.ToString();
    }

    /// <summary>Works out the rows of <paramref name="model"/> for inputs of <paramref name="inputFeatures"/> features.</summary>
    internal static ModelSummary Create(ILayer model, int inputFeatures)
    {
        ArgumentNullException.ThrowIfNull(model);
        Guard.Positive(inputFeatures, nameof(inputFeatures));
        // Check the whole chain first, so that a mismatch is reported before any unknown layer is probed.
        ShapeInference.OutputFeatures(model, inputFeatures, nameof(inputFeatures));

        var rows = new List<LayerSummary>();
        int width = inputFeatures;
        foreach (var leaf in LayerTree.Leaves(model))
        {
            width = ShapeInference.OutputFeatures(leaf.Layer, width, nameof(inputFeatures), leaf.Path)
                    ?? ProbeOutputFeatures(leaf.Layer, width);
            rows.Add(new LayerSummary(leaf.Path, leaf.Layer.GetType().Name, width,
                leaf.Layer.Parameters.Sum(parameter => (long)parameter.Value.Length),
                leaf.Layer.Buffers.Where(buffer => !buffer.IsInteger).Sum(buffer => (long)buffer.Value.Length)));
        }
        return new ModelSummary(model.GetType().Name, inputFeatures, rows);
    }

    /// <summary>
    /// Runs a layer of unknown type once, in inference mode, to see how wide its output is, and puts its mode back.
    /// (Its forward cache is overwritten: a user's layer cannot be asked for its width any other way.)
    /// </summary>
    private static int ProbeOutputFeatures(ILayer layer, int inputFeatures)
    {
        var mode = layer.Mode;
        try
        {
            return layer.Forward(Tensor.Zeros(2, inputFeatures), ForwardMode.Inference).Shape[1];
        }
        finally
        {
            layer.Mode = mode;
        }
    }

    private static void AppendRow(StringBuilder text, string[] cells, int[] widths)
    {
        text.Append(' ').Append(cells[0].PadRight(widths[0] + 3))
            .Append(cells[1].PadRight(widths[1] + 3))
            .Append(cells[2].PadLeft(widths[2]))
            .Append('\n');
    }

    private static string OutputShape(int features) =>
        string.Create(CultureInfo.InvariantCulture, $"[batch, {features}]");

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
