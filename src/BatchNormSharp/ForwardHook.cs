namespace BatchNormSharp;

/// <summary>
/// What <see cref="Layer.RegisterForwardHook"/> calls after a layer's forward pass: PyTorch's forward hook.
/// </summary>
/// <param name="layer">The layer that ran.</param>
/// <param name="input">Its input (storage it or the caller owns: copy what you keep).</param>
/// <param name="output">Its output (storage the layer reuses on its next call: copy what you keep).</param>
/// <param name="mode">The mode the pass ran in.</param>
public delegate void ForwardHook(Layer layer, Tensor input, Tensor output, ForwardMode mode);
