namespace BatchNormSharp.Onnx;

/// <summary>How <see cref="OnnxExport"/> writes a model.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>The element type of the weights, the input and the output. Default <see cref="OnnxPrecision.Float64"/>.</summary>
    public OnnxPrecision Precision { get; init; } = OnnxPrecision.Float64;

    /// <summary>
    /// Whether to append a <c>Softmax</c> over the features, so that <c>output</c> holds class probabilities (what
    /// <see cref="InferenceExtensions.Predict(Layer, Tensor, LossTask, int)"/> returns) instead of the model's logits. Default
    /// <see langword="false"/>: the output is the model's own output, as <see cref="Layer.Forward(Tensor, ForwardMode)"/> gives it.
    /// </summary>
    public bool AppendSoftmax { get; init; }

    /// <summary>
    /// The number of input features, needed only when the first layer does not state it (a model starting with a
    /// ReLU). <see langword="null"/> (the default) takes it from the first Dense or BatchNorm.
    /// </summary>
    public int? InputFeatures { get; init; }

    /// <summary>The name of the ONNX graph, shown by viewers such as Netron. Default <c>BatchNormSharp</c>.</summary>
    public string GraphName { get; init; } = "BatchNormSharp";
}
