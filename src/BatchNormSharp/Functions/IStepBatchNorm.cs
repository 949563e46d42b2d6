namespace BatchNormSharp;

/// <summary>
/// Batch normalisation as a batch-normalised LSTM cell calls it: once per time step, over a <c>[batch, Features]</c>
/// batch, keeping per time step what its backward pass needs. The cell functions (<see cref="BnLstmSequence"/>)
/// see only this, so that any implementation of the arithmetic can be plugged in (<see cref="StepBatchNorm"/> now,
/// the library's stateless BatchNorm functions with one cache per step when they land).
/// </summary>
internal interface IStepBatchNorm
{
    /// <summary>The number of features normalised.</summary>
    int Features { get; }

    /// <summary>
    /// Normalises <paramref name="input"/> at time step <paramref name="step"/>: in training with the batch's
    /// statistics (moving the running statistics the step uses), in inference with the running statistics.
    /// </summary>
    /// <param name="step">The time step (0-based); selects the step's cache and, if statistics are per step, their slot.</param>
    /// <param name="batch">The rows.</param>
    /// <param name="input">The batch, <c>[batch, Features]</c>.</param>
    /// <param name="output">The normalised batch, <c>[batch, Features]</c>, written.</param>
    /// <param name="training">Batch statistics and running-statistics update (true) or running statistics (false).</param>
    void Forward(int step, int batch, ReadOnlySpan<double> input, Span<double> output, bool training);

    /// <summary>
    /// Back through the forward pass of time step <paramref name="step"/>, in the mode it used; writes the input
    /// gradient and ADDS the gradients of the affine parameters.
    /// </summary>
    /// <param name="step">The time step of the forward pass to go back through.</param>
    /// <param name="batch">The rows.</param>
    /// <param name="outputGradient">dL/d(output), <c>[batch, Features]</c>.</param>
    /// <param name="inputGradient">dL/d(input), <c>[batch, Features]</c>, written.</param>
    void Backward(int step, int batch, ReadOnlySpan<double> outputGradient, Span<double> inputGradient);
}
