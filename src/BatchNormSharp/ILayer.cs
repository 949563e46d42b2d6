namespace BatchNormSharp;

/// <summary>
/// A differentiable step of a network: a forward pass that maps a batch to a batch, and a backward pass that maps
/// dL/d(output) to dL/d(input) while accumulating the gradients of the layer's parameters.
/// </summary>
/// <remarks>
/// <para>Inputs and outputs are rank-2 tensors of shape <c>[batch, features]</c>.</para>
/// <para>The output of <see cref="Forward"/> and of <see cref="Backward"/> is storage the layer owns and reuses on
/// its next call with the same shapes, so a training loop allocates nothing in steady state; clone a result to keep
/// it. The input passed to <see cref="Forward"/> must stay unchanged until the matching <see cref="Backward"/>.</para>
/// <para><see cref="Forward"/> and <see cref="Backward"/> are not thread-safe: a layer keeps the forward cache that its
/// backward pass needs. For inference from several threads at once, use
/// <see cref="InferenceExtensions.Predict"/> and <see cref="InferenceExtensions.Evaluate"/>, which write nothing of
/// a model built from this library's layers (a model holding a user's own layer runs through its
/// <see cref="Forward"/>, which is not thread-safe).</para>
/// </remarks>
public interface ILayer
{
    /// <summary>
    /// The layer's mode, PyTorch's <c>training</c> flag: <see cref="ForwardMode.Training"/> when created. Every
    /// <see cref="Forward"/> call leaves the layer in the mode it ran in; setting the mode on a container sets it on
    /// every child, nested containers included (<see cref="LayerExtensions.Train"/> and
    /// <see cref="LayerExtensions.Eval"/> do that). Switching the mode between a forward pass and its backward pass
    /// makes <see cref="Backward"/> throw, because the cached forward pass belongs to the other mode.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="ForwardMode"/>.</exception>
    ForwardMode Mode { get; set; }

    /// <summary>Computes the layer's output for a batch.</summary>
    /// <param name="input">The batch, shape <c>[batch, inputFeatures]</c>.</param>
    /// <param name="mode">Training (batch statistics, running statistics updated) or inference; the layer is left in
    /// this mode.</param>
    /// <returns>The output, shape <c>[batch, outputFeatures]</c>; valid until this layer's next forward call.</returns>
    /// <exception cref="ArgumentException">The input's shape does not fit the layer; nothing is changed.</exception>
    Tensor Forward(Tensor input, ForwardMode mode);

    /// <summary>
    /// Back-propagates through the most recent <see cref="Forward"/> call, in the mode that call used: returns
    /// dL/d(input) and adds dL/d(parameter) to each parameter's <see cref="Parameter.Gradient"/>.
    /// </summary>
    /// <param name="outputGradient">dL/d(output), with the shape of the last forward output.</param>
    /// <returns>dL/d(input), with the shape of the last forward input; valid until this layer's next backward call.</returns>
    /// <exception cref="InvalidOperationException">There is no forward pass to back-propagate through (none yet, or
    /// its backward has already run), or <see cref="Mode"/> was switched since that forward pass.</exception>
    /// <exception cref="ArgumentException">The gradient's shape differs from the last output's; nothing is changed.</exception>
    Tensor Backward(Tensor outputGradient);

    /// <summary>The trainable tensors, in PyTorch's order, named as in PyTorch's state dict. Empty when there are none.</summary>
    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>The non-trainable state (such as running statistics), named as in PyTorch's state dict.</summary>
    IReadOnlyList<StateBuffer> Buffers { get; }
}
