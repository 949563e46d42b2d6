using BatchNormSharp;

namespace BatchNormInsight;

/// <summary>What one BatchNorm layer of a model received and produced on a batch.</summary>
/// <param name="Name">The layer's dotted name in the model, as in its state dictionary (e.g. "1").</param>
/// <param name="Layer">The layer.</param>
/// <param name="Input">Its input, shape [rows, features].</param>
/// <param name="Output">Its output.</param>
internal sealed record RecordedBatchNorm(string Name, BatchNorm Layer, Tensor Input, Tensor Output);

/// <summary>Gets each BatchNorm layer's input and output on real data, through the library's activation recorder.</summary>
internal static class LayerInputs
{
    /// <summary>The BatchNorm layers of <paramref name="model"/> at any depth, with their names, in order.</summary>
    public static (string Name, BatchNorm Layer)[] BatchNorms(Layer model) =>
        [.. model.NamedLayers().Where(entry => entry.Layer is BatchNorm)
            .Select(entry => (entry.Name, (BatchNorm)entry.Layer))];

    /// <summary>Runs <paramref name="model"/> once in inference mode (running statistics, nothing updated) with a
    /// recorder on every BatchNorm, and returns what each received and produced.</summary>
    public static List<RecordedBatchNorm> Record(Layer model, Tensor inputs)
    {
        var layers = BatchNorms(model);
        var recorders = layers.Select(entry => new ActivationRecorder(entry.Layer)).ToArray();
        try
        {
            model.Forward(inputs, ForwardMode.Inference);
        }
        finally
        {
            foreach (var recorder in recorders)
            {
                recorder.Dispose();
            }
        }
        return [.. layers.Select((entry, i) =>
            new RecordedBatchNorm(entry.Name, entry.Layer, recorders[i].Inputs[^1], recorders[i].Outputs[^1]))];
    }
}
