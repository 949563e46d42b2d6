namespace BatchNormSharp;

/// <summary>
/// Walks a model as the tree it is — <see cref="Sequential"/> containers holding layers — and names each leaf the way
/// PyTorch names submodules: the child's index, joined with dots through nested containers (<c>2.0</c>).
/// </summary>
/// <remarks>
/// The optimizer state, the summary and save/load all read the model through this one walk, so that they agree on
/// names and order.
/// </remarks>
internal static class LayerTree
{
    /// <summary>A leaf layer (anything but a container) with its dotted path; the path of a bare root layer is empty.</summary>
    internal readonly record struct Leaf(string Path, ILayer Layer);

    /// <summary>The leaf layers of <paramref name="root"/>, depth first, in forward order.</summary>
    public static IEnumerable<Leaf> Leaves(ILayer root)
    {
        ArgumentNullException.ThrowIfNull(root);
        return Walk(root, string.Empty);
    }

    /// <summary>Joins a container path and a local name with a dot, as PyTorch's state-dict names do.</summary>
    public static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    private static IEnumerable<Leaf> Walk(ILayer layer, string path)
    {
        if (layer is Sequential sequential)
        {
            for (int i = 0; i < sequential.Layers.Count; i++)
            {
                foreach (var leaf in Walk(sequential.Layers[i], Join(path, IndexName(i))))
                {
                    yield return leaf;
                }
            }
        }
        else
        {
            yield return new Leaf(path, layer);
        }
    }

    private static string IndexName(int index) => index.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
