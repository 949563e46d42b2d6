namespace BatchNormSharp;

/// <summary>
/// A trainable tensor of a layer together with the gradient that <see cref="Layer.Backward(Tensor)"/> accumulates into it.
/// </summary>
/// <remarks>
/// Names follow PyTorch's state-dict names (<c>weight</c>, <c>bias</c>), so that a parameter listed here is the
/// entry PyTorch would list. Gradients accumulate, as in PyTorch: call <see cref="ZeroGrad"/> (or the optimizer's
/// <see cref="SgdMomentum.ZeroGrad"/>) before each backward pass.
/// </remarks>
public sealed class Parameter
{
    /// <summary>Creates a parameter with a zero gradient of the same shape, for a layer of your own.</summary>
    /// <param name="name">The state-dict name within the layer, e.g. <c>weight</c>; not empty, no dots (containers add
    /// the dotted prefix).</param>
    /// <param name="value">The initial values; the parameter keeps this tensor (no copy).</param>
    /// <exception cref="ArgumentException">The name is empty or contains a dot.</exception>
    public Parameter(string name, Tensor value)
    {
        Guard.StateName(name, nameof(name));
        ArgumentNullException.ThrowIfNull(value);
        Name = name;
        Value = value;
        Gradient = Tensor.Zeros(value.Shape.ToArray());
    }

    /// <summary>The PyTorch state-dict name within the owning layer, e.g. <c>weight</c>.</summary>
    public string Name { get; }

    /// <summary>The values the layer computes with. Writable, for initialisation and loading.</summary>
    public Tensor Value { get; }

    /// <summary>dL/d(<see cref="Value"/>), summed over every backward pass since the last <see cref="ZeroGrad"/>.</summary>
    public Tensor Gradient { get; }

    /// <summary>
    /// Whether the state dictionary holds this rank-2 parameter transposed, because the layer stores it in the
    /// other order than PyTorch does (<see cref="Dense"/> keeps <c>[in, out]</c>; PyTorch's <c>Linear</c> keeps
    /// <c>[out, in]</c>).
    /// </summary>
    internal bool TransposedInStateDict { get; init; }

    /// <summary>Sets the gradient to zero.</summary>
    public void ZeroGrad() => Gradient.Fill(0.0);

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {Tensor.FormatShape(Value.Shape)}";
}
