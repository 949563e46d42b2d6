namespace BatchNormSharp;

/// <summary>
/// A model's parameters and buffers with their full PyTorch state-dict names: PyTorch's
/// <c>named_parameters()</c> and <c>named_buffers()</c>.
/// </summary>
/// <remarks>
/// A layer's own name (<c>weight</c>, <c>running_mean</c>) is prefixed with the path of its place in the model: the
/// name of each enclosing child (an index in a <see cref="Sequential"/>, a field name such as <c>bn_ih</c> in a layer
/// of your own), joined with dots. So the BatchNorm at index 1 gives
/// <c>1.running_mean</c>, and the first layer of a Sequential at index 2 gives <c>2.0.weight</c>. A bare layer (not
/// in a container) keeps its local names. The optimizer state, <see cref="ModelSummary"/> and
/// <see cref="StateDictExtensions.StateDict"/> all use these names, in this order.
/// </remarks>
public static class NamedStateExtensions
{
    /// <summary>The trainable parameters of <paramref name="model"/> with their state-dict names, in forward order.</summary>
    /// <param name="model">A layer or container.</param>
    /// <returns>Pairs such as <c>("0.weight", parameter)</c>.</returns>
    public static IEnumerable<(string Name, Parameter Parameter)> NamedParameters(this Layer model) =>
        Require(model).NamedState().Where(entry => entry.Parameter is not null)
            .Select(entry => (entry.Name, entry.Parameter!));

    /// <summary>The buffers (non-trainable state such as running statistics) with their state-dict names.</summary>
    /// <param name="model">A layer or container.</param>
    /// <returns>Pairs such as <c>("1.running_mean", buffer)</c>.</returns>
    public static IEnumerable<(string Name, StateBuffer Buffer)> NamedBuffers(this Layer model) =>
        Require(model).NamedState().Where(entry => entry.Buffer is not null)
            .Select(entry => (entry.Name, entry.Buffer!));

    /// <summary>
    /// Every layer of <paramref name="model"/> with its dotted name, the model itself first (with an empty name), then
    /// each child's subtree in order: PyTorch's <c>named_modules()</c>. Use it to find, say, every BatchNorm.
    /// </summary>
    /// <param name="model">A layer or container.</param>
    /// <returns>Pairs such as <c>("1", batchNorm)</c> and <c>("2.0", dense)</c>.</returns>
    public static IEnumerable<(string Name, Layer Layer)> NamedLayers(this Layer model) => Walk(Require(model), string.Empty);

    private static IEnumerable<(string Name, Layer Layer)> Walk(Layer layer, string path)
    {
        yield return (path, layer);
        foreach (var child in layer.Children)
        {
            foreach (var entry in Walk(child.Layer, Layer.Join(path, child.Name)))
            {
                yield return entry;
            }
        }
    }

    private static Layer Require(Layer model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model;
    }
}
