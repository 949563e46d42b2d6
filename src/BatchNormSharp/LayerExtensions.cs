namespace BatchNormSharp;

/// <summary>PyTorch's <c>model.train()</c> and <c>model.eval()</c> for any <see cref="Layer"/>, chainable.</summary>
public static class LayerExtensions
{
    /// <summary>Puts the layer and every layer below it into training mode.</summary>
    /// <typeparam name="TLayer">The layer's type, returned so that calls chain.</typeparam>
    /// <param name="layer">The layer or model.</param>
    /// <returns><paramref name="layer"/>.</returns>
    public static TLayer Train<TLayer>(this TLayer layer) where TLayer : Layer
    {
        ArgumentNullException.ThrowIfNull(layer);
        layer.Mode = ForwardMode.Training;
        return layer;
    }

    /// <summary>Puts the layer and every layer below it into inference mode.</summary>
    /// <typeparam name="TLayer">The layer's type, returned so that calls chain.</typeparam>
    /// <param name="layer">The layer or model.</param>
    /// <returns><paramref name="layer"/>.</returns>
    public static TLayer Eval<TLayer>(this TLayer layer) where TLayer : Layer
    {
        ArgumentNullException.ThrowIfNull(layer);
        layer.Mode = ForwardMode.Inference;
        return layer;
    }
}
