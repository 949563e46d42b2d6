namespace BatchNormSharp.Tests;

/// <summary>Runs layers in sequence, forward in order and backward in reverse: a minimal Sequential for tests.</summary>
internal static class LayerChain
{
    public static Tensor Forward(IReadOnlyList<Layer> layers, Tensor input, ForwardMode mode)
    {
        var activation = input;
        foreach (var layer in layers)
        {
            activation = layer.Forward(activation, mode);
        }
        return activation;
    }

    public static Tensor Backward(IReadOnlyList<Layer> layers, Tensor outputGradient)
    {
        var gradient = outputGradient;
        for (int i = layers.Count - 1; i >= 0; i--)
        {
            gradient = layers[i].Backward(gradient);
        }
        return gradient;
    }
}
