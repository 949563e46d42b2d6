namespace BatchNormSharp;

/// <summary>PyTorch's <c>model.train()</c>, <c>model.eval()</c> and <c>model(x)</c> for any <see cref="ILayer"/>.</summary>
public static class LayerExtensions
{
    /// <summary>Puts the layer (and, for a container, every layer in it) into training mode.</summary>
    /// <typeparam name="TLayer">The layer's type, returned so that calls chain.</typeparam>
    /// <param name="layer">The layer or model.</param>
    /// <returns><paramref name="layer"/>.</returns>
    public static TLayer Train<TLayer>(this TLayer layer) where TLayer : ILayer
    {
        ArgumentNullException.ThrowIfNull(layer);
        layer.Mode = ForwardMode.Training;
        return layer;
    }

    /// <summary>Puts the layer (and, for a container, every layer in it) into inference mode.</summary>
    /// <typeparam name="TLayer">The layer's type, returned so that calls chain.</typeparam>
    /// <param name="layer">The layer or model.</param>
    /// <returns><paramref name="layer"/>.</returns>
    public static TLayer Eval<TLayer>(this TLayer layer) where TLayer : ILayer
    {
        ArgumentNullException.ThrowIfNull(layer);
        layer.Mode = ForwardMode.Inference;
        return layer;
    }

    /// <summary>Runs a forward pass in the layer's current <see cref="ILayer.Mode"/>.</summary>
    /// <param name="layer">The layer or model.</param>
    /// <param name="input">The batch, shape <c>[batch, features]</c>.</param>
    /// <returns>The output; valid until the layer's next forward call.</returns>
    /// <exception cref="ArgumentException">The input does not fit the layer; nothing is changed.</exception>
    public static Tensor Forward(this ILayer layer, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return layer.Forward(input, layer.Mode);
    }
}
