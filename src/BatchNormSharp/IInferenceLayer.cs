namespace BatchNormSharp;

/// <summary>
/// A layer of this library that can compute its inference-mode output without writing anything of its own: it reads
/// its parameters and buffers, and writes only the caller's output span and scratch that it rents for the call.
/// That makes any number of simultaneous calls on one model safe, which <see cref="InferenceExtensions.Predict"/> and
/// <see cref="InferenceExtensions.Evaluate"/> rely on.
/// </summary>
/// <remarks>
/// The result is bit for bit what <see cref="ILayer.Forward"/> in <see cref="ForwardMode.Inference"/> gives: the same
/// kernels on the same values in the same order. The kernels are stateless (spans in, span out), so they are safe
/// from several threads.
/// </remarks>
internal interface IInferenceLayer
{
    /// <summary>
    /// Writes the inference-mode output for <paramref name="rows"/> rows of <paramref name="input"/> into
    /// <paramref name="output"/>, changing no state.
    /// </summary>
    /// <param name="input">The rows, row-major <c>[rows, inputFeatures]</c>, already checked against the layer.</param>
    /// <param name="rows">The number of rows, at least 1 (at least 2 for a BatchNorm without running statistics).</param>
    /// <param name="inputFeatures">The width of each input row.</param>
    /// <param name="output">Row-major <c>[rows, outputFeatures]</c>; must not overlap <paramref name="input"/>.</param>
    void Infer(ReadOnlySpan<double> input, int rows, int inputFeatures, Span<double> output);
}
