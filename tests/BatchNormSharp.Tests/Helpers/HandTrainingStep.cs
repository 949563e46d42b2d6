namespace BatchNormSharp.Tests;

/// <summary>
/// One hand-written training step over a chain of layers, as the allocation tests measure it: forward through the
/// layers, cross-entropy, backward in reverse, SGD-momentum step, zeroed gradients.
/// </summary>
internal sealed class HandTrainingStep(Layer[] layers)
{
    private readonly SoftmaxCrossEntropy _loss = new();
    private readonly SgdMomentum _optimizer =
        new(layers.SelectMany(layer => layer.Parameters), learningRate: 0.01, momentum: 0.9);

    public void Run(Tensor input, int[] labels)
    {
        Tensor activations = input;
        foreach (var layer in layers)
        {
            activations = layer.Forward(activations, ForwardMode.Training);
        }
        _loss.Forward(activations, labels);
        Tensor gradient = _loss.Backward();
        for (int i = layers.Length - 1; i >= 0; i--)
        {
            gradient = layers[i].Backward(gradient);
        }
        _optimizer.Step();
        _optimizer.ZeroGrad();
    }
}
