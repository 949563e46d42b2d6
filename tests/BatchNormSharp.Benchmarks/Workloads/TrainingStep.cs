using BatchNormSharp;

namespace BatchNormSharp.Benchmarks.Workloads;

/// <summary>
/// One full training step of a layer stack on a fixed batch, written out by hand: forward through every layer,
/// softmax cross-entropy, backward in reverse, an SGD-with-momentum step and zeroed gradients — the same work as
/// PyTorch's <c>zero_grad(); loss = F.cross_entropy(model(x), y); loss.backward(); opt.step()</c>.
/// </summary>
internal sealed class TrainingStep
{
    private readonly Layer[] _layers;
    private readonly SoftmaxCrossEntropy _loss = new();
    private readonly SgdMomentum _optimizer;
    private readonly Tensor _input;
    private readonly int[] _labels;

    public TrainingStep(Layer[] layers, Tensor input, int[] labels, double learningRate = 0.01, double momentum = 0.9)
    {
        _layers = layers;
        _input = input;
        _labels = labels;
        _optimizer = new SgdMomentum(layers.SelectMany(layer => layer.Parameters), learningRate, momentum);
    }

    /// <summary>The Iris network Dense(4,10) → BatchNorm(10) → ReLU → Dense(10,3) → BatchNorm(3), batch 32.</summary>
    public static TrainingStep Iris(int seed = 1)
    {
        var random = new Random(seed);
        Layer[] layers =
        [
            new Dense(4, 10, random), new BatchNorm(10), new ReLU(), new Dense(10, 3, random), new BatchNorm(3),
        ];
        return new TrainingStep(layers, RandomData.Batch(32, 4, seed + 1, scale: 2.0, offset: 3.0),
            RandomData.Labels(32, 3, seed + 2));
    }

    /// <summary>
    /// The MLP Dense(784,256) → BatchNorm → ReLU → Dense(256,128) → BatchNorm → ReLU → Dense(128,10), batch 128.
    /// </summary>
    public static TrainingStep Mlp(int seed = 1)
    {
        var random = new Random(seed);
        Layer[] layers =
        [
            new Dense(784, 256, random), new BatchNorm(256), new ReLU(),
            new Dense(256, 128, random), new BatchNorm(128), new ReLU(),
            new Dense(128, 10, random),
        ];
        return new TrainingStep(layers, RandomData.Batch(128, 784, seed + 1, scale: 0.5, offset: 0.5),
            RandomData.Labels(128, 10, seed + 2));
    }

    /// <summary>Runs one step and returns the loss before the update.</summary>
    public double Run()
    {
        Tensor activations = _input;
        foreach (var layer in _layers)
        {
            activations = layer.Forward(activations, ForwardMode.Training);
        }
        double loss = _loss.Forward(activations, _labels);

        Tensor gradient = _loss.Backward();
        for (int i = _layers.Length - 1; i >= 0; i--)
        {
            // The first layer's input gradient is skipped, as Fit does and as torch does for data.
            gradient = _layers[i].Backward(gradient, computeInputGradient: i > 0)!;
        }
        _optimizer.Step();
        _optimizer.ZeroGrad();
        return loss;
    }
}
