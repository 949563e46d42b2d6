namespace BatchNormSharp;

/// <summary>
/// A non-trainable tensor that belongs to a layer's state, such as <see cref="BatchNorm"/>'s running statistics:
/// PyTorch's <em>buffers</em>.
/// </summary>
/// <remarks>
/// Optimizers never touch buffers; saving and loading a model includes them. Names follow PyTorch's state-dict
/// names (<c>running_mean</c>, <c>running_var</c>, <c>num_batches_tracked</c>).
/// </remarks>
public sealed class StateBuffer
{
    /// <summary>Creates a buffer, for a layer of your own.</summary>
    /// <param name="name">The state-dict name within the layer, e.g. <c>running_mean</c>; not empty, no dots.</param>
    /// <param name="value">The values; the buffer keeps this tensor (no copy).</param>
    /// <param name="isInteger">Whether the buffer holds a count (saved as a 64-bit integer, like
    /// <c>num_batches_tracked</c>) rather than measurements.</param>
    /// <exception cref="ArgumentException">The name is empty or contains a dot.</exception>
    public StateBuffer(string name, Tensor value, bool isInteger = false)
    {
        Guard.StateName(name, nameof(name));
        ArgumentNullException.ThrowIfNull(value);
        Name = name;
        Value = value;
        IsInteger = isInteger;
    }

    /// <summary>The PyTorch state-dict name within the owning layer, e.g. <c>running_mean</c>.</summary>
    public string Name { get; }

    /// <summary>The values. Writable, for loading a saved state.</summary>
    public Tensor Value { get; }

    /// <summary>
    /// Whether the buffer holds a count rather than a measurement (PyTorch stores <c>num_batches_tracked</c> as a
    /// 64-bit integer). Integer buffers hold whole numbers and are not counted as float parameters.
    /// </summary>
    public bool IsInteger { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {Tensor.FormatShape(Value.Shape)}";
}
