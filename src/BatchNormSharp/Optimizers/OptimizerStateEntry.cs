namespace BatchNormSharp;

/// <summary>
/// One tensor of an optimizer's state: a per-parameter buffer such as the <c>exp_avg</c> of parameter 3, or an
/// optimizer-wide counter such as <c>step</c>.
/// </summary>
public sealed class OptimizerStateEntry
{
    /// <summary>Creates an entry.</summary>
    /// <param name="name">PyTorch's name for the state, e.g. <c>exp_avg</c>, <c>momentum_buffer</c>, <c>step</c>.</param>
    /// <param name="parameterIndex">The index in <see cref="IOptimizer.Parameters"/> of the parameter it belongs to, or
    /// <see langword="null"/> for optimizer-wide state.</param>
    /// <param name="value">The live tensor (per-parameter state has the parameter's shape).</param>
    /// <param name="isInteger">Whether the entry is a count (saved as <c>int64</c>).</param>
    /// <exception cref="ArgumentException">The name is empty or contains a dot.</exception>
    public OptimizerStateEntry(string name, int? parameterIndex, Tensor value, bool isInteger = false)
    {
        Guard.StateName(name, nameof(name));
        ArgumentNullException.ThrowIfNull(value);
        Name = name;
        ParameterIndex = parameterIndex;
        Value = value;
        IsInteger = isInteger;
    }

    /// <summary>PyTorch's name for the state, e.g. <c>exp_avg</c>.</summary>
    public string Name { get; }

    /// <summary>The index of the parameter the entry belongs to, or <see langword="null"/> for optimizer-wide state.</summary>
    public int? ParameterIndex { get; }

    /// <summary>The live tensor: what the optimizer reads and writes at every step.</summary>
    public Tensor Value { get; }

    /// <summary>Whether the entry is a count, saved as <c>int64</c>.</summary>
    public bool IsInteger { get; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{(ParameterIndex is int i ? $"parameter {i}." : "")}{Name} {Tensor.FormatShape(Value.Shape)}";
}
