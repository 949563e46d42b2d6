namespace BatchNormSharp.Onnx;

/// <summary>A value of the ONNX graph being written: its name and its number of features (the graph's values are
/// <c>[batch, features]</c>).</summary>
/// <param name="Name">The value's name in the graph, for use as a node input.</param>
/// <param name="Features">The size of its last dimension.</param>
public readonly record struct OnnxValue(string Name, int Features);
