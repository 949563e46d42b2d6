namespace BatchNormSharp;

/// <summary>One entry of a model's state with its full dotted name: a parameter or a buffer (exactly one is set).</summary>
internal readonly record struct NamedStateEntry(string Name, Parameter? Parameter, StateBuffer? Buffer)
{
    /// <summary>The tensor the entry holds.</summary>
    public Tensor Value => Parameter?.Value ?? Buffer!.Value;
}
