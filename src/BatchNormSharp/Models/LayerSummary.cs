namespace BatchNormSharp;

/// <summary>One row of a <see cref="ModelSummary"/>: a layer, the shape it produces and the numbers it holds.</summary>
/// <param name="Name">The layer's state-dict path, e.g. <c>1</c> or <c>2.0</c> (empty for a model that is a single
/// layer).</param>
/// <param name="LayerType">The layer's type name, e.g. <c>BatchNorm</c>.</param>
/// <param name="OutputFeatures">The width of the layer's output, <c>[batch, OutputFeatures]</c>.</param>
/// <param name="TrainableParameters">The number of trainable values (weights, biases, γ, β).</param>
/// <param name="NonTrainableParameters">The number of float values in buffers (running mean and variance);
/// integer buffers such as <c>num_batches_tracked</c> are counts, not parameters, and are not included.</param>
public sealed record LayerSummary(
    string Name,
    string LayerType,
    int OutputFeatures,
    long TrainableParameters,
    long NonTrainableParameters)
{
    /// <summary>Trainable and non-trainable values together: Keras's "Param #".</summary>
    public long Parameters => TrainableParameters + NonTrainableParameters;
}
