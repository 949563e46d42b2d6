using System.Diagnostics.CodeAnalysis;

namespace BatchNormSharp.Onnx;

/// <summary>The element type of an exported ONNX model's weights, input and output.</summary>
[SuppressMessage("Naming", "CA1720:Identifier contains type name",
    Justification = "Float64 and Float32 are the names ONNX, NumPy and PyTorch users know these element types by.")]
public enum OnnxPrecision
{
    /// <summary>
    /// ONNX <c>DOUBLE</c>: the library's own precision. ONNX Runtime's outputs equal the library's predictions to
    /// about 1e-15 relative (the order of the sums differs); the input must be a <c>double</c> tensor.
    /// </summary>
    Float64,

    /// <summary>
    /// ONNX <c>FLOAT</c>: half the file size and the type most runtimes and accelerators expect. Weights are rounded
    /// to float32, so outputs differ from the library's by float32 rounding (about 1e-7 relative per operation); the
    /// input must be a <c>float</c> tensor.
    /// </summary>
    Float32,
}
