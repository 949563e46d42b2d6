namespace BatchNormSharp;

/// <summary>
/// One live tensor as a state dictionary sees it: its full name, whether the dictionary holds it transposed, and
/// whether it is an integer count. Both the model's and the optimizers' state dictionaries are lists of these.
/// </summary>
/// <param name="Name">The full state-dict name, e.g. <c>0.weight</c> or <c>0.weight.exp_avg</c>.</param>
/// <param name="Value">The live tensor (a parameter, buffer or optimizer state) in the library's layout.</param>
/// <param name="Transposed">Whether PyTorch's layout is the transpose of <paramref name="Value"/>'s (a rank-2
/// <see cref="Dense"/> weight or its optimizer state).</param>
/// <param name="IsInteger">Whether the entry is a count, saved as <c>int64</c> and required to be a whole number ≥ 0.</param>
internal sealed record StateEntry(string Name, Tensor Value, bool Transposed, bool IsInteger)
{
    /// <summary>The shape in PyTorch's layout.</summary>
    public int[] SavedShape => Transposed ? [Value.Shape[1], Value.Shape[0]] : Value.Shape.ToArray();
}
