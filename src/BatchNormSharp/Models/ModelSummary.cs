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
/// not a parameter, and is not counted. Create one with <see cref="SummaryExtensions.Summary(Layer, int)"/>.
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
    internal static ModelSummary Create(Layer model, int inputFeatures)
    {
        ArgumentNullException.ThrowIfNull(model);
        Guard.Positive(inputFeatures, nameof(inputFeatures));
        // The whole chain first, so that a mismatch is reported once, naming the layer, before any row is made.
        Shapes.OutputFeatures(model, inputFeatures, nameof(inputFeatures));

        var rows = new List<LayerSummary>();
        int[] shape = [2, inputFeatures];
        AddRows(model, string.Empty, ref shape, rows);
        return new ModelSummary(model.GetType().Name, inputFeatures, rows);
    }

    /// <summary>
    /// A row per layer, opening up layers whose children run one after another (a <see cref="Sequential"/>); any other
    /// layer is one row holding its children's counts too. Shapes come from <see cref="Layer.OutputShape"/>: nothing
    /// runs.
    /// </summary>
    private static void AddRows(Layer layer, string path, ref int[] shape, List<LayerSummary> rows)
    {
        if (layer.ChildrenRunInSequence)
        {
            foreach (var child in layer.Children)
            {
                AddRows(child.Layer, Layer.Join(path, child.Name), ref shape, rows);
            }
            return;
        }
        shape = layer.OutputShape(shape, ForwardMode.Inference);
        rows.Add(new LayerSummary(path, layer.GetType().Name, shape[^1],
            layer.Parameters.Sum(parameter => (long)parameter.Value.Length),
            layer.Buffers.Where(buffer => !buffer.IsInteger).Sum(buffer => (long)buffer.Value.Length)));
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
