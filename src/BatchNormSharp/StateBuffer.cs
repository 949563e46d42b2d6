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
    /// <exception cref="ArgumentException">The name is empty or contains a dot, or an integer buffer holds a value that
    /// is not a whole number of magnitude at most 2^53 (what a saved <c>int64</c> holds exactly).</exception>
    public StateBuffer(string name, Tensor value, bool isInteger = false)
    {
        Guard.StateName(name, nameof(name));
        ArgumentNullException.ThrowIfNull(value);
        if (isInteger && !StateDictionary.HoldsWholeNumbers(value))
        {
            // Checked here, not first in StateDict() or a save, where the buffer's owner would be far from the cause.
            throw new ArgumentException(
                $"Integer buffer '{name}' must hold whole numbers of magnitude at most 2^53, but holds " +
                $"{FirstFraction(value).ToString("R", System.Globalization.CultureInfo.InvariantCulture)}. Round " +
                "the values, or pass isInteger: false for a buffer of measurements.", nameof(value));
        }
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

    private static double FirstFraction(Tensor value)
    {
        foreach (double x in value.AsReadOnlySpan())
        {
            if (!StateDictionary.HoldsWholeNumbers(Tensor.Full(x)))
            {
                return x;
            }
        }
        return 0.0;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {Tensor.FormatShape(Value.Shape)}";
}
