namespace BatchNormSharp;

/// <summary>A child layer with its local name, as <see cref="Layer.Children"/> lists it (PyTorch's
/// <c>named_children()</c>).</summary>
/// <param name="Name">The child's name within its parent, e.g. <c>0</c> or <c>bn_ih</c>; state-dict names of the
/// child's state start with it.</param>
/// <param name="Layer">The child.</param>
public readonly record struct NamedLayer(string Name, Layer Layer);
