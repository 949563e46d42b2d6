using BatchNormSharp;

namespace BatchNormInsight;

/// <summary>What one BatchNorm layer of a model received and produced on a batch.</summary>
/// <param name="Position">The layer's index among the model's children.</param>
/// <param name="Layer">The layer.</param>
/// <param name="Input">Its input, shape [rows, features].</param>
/// <param name="Output">Its output.</param>
internal sealed record RecordedBatchNorm(int Position, BatchNorm Layer, Tensor Input, Tensor Output);

/// <summary>
/// Gets each BatchNorm layer's input and output on real data.
/// </summary>
/// <remarks>
/// TODO(issue 11, recorder): replace <see cref="Record"/> and <see cref="BatchNorms"/> with the activation recorder of the new layer contract
/// (attach a recorder to every BatchNorm, run <c>model.Forward(inputs, ForwardMode.Inference)</c>, read its arrays).
/// Until then this walks <see cref="Sequential.Layers"/> by hand, the only place in the sample that does.
/// </remarks>
internal static class LayerInputs
{
    /// <summary>The BatchNorm layers among <paramref name="model"/>'s children, in order.</summary>
    public static BatchNorm[] BatchNorms(Sequential model) => [.. model.Layers.OfType<BatchNorm>()];

    /// <summary>Runs <paramref name="model"/>'s children one by one in inference mode (running statistics, nothing
    /// updated) and copies the input and output of every BatchNorm among them.</summary>
    public static List<RecordedBatchNorm> Record(Sequential model, Tensor inputs)
    {
        var recorded = new List<RecordedBatchNorm>();
        var x = inputs;
        for (int i = 0; i < model.Layers.Count; i++)
        {
            var y = model.Layers[i].Forward(x, ForwardMode.Inference);
            if (model.Layers[i] is BatchNorm batchNorm)
            {
                // Copies: a layer may reuse its output tensor on its next call.
                recorded.Add(new RecordedBatchNorm(i, batchNorm, x.Clone(), y.Clone()));
            }
            x = y;
        }
        return recorded;
    }
}
