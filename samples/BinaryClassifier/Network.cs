using BatchNormSharp;

namespace BinaryClassifier;

/// <summary>The seed's network and its optimizer, shared by both experiments.</summary>
internal static class Network
{
    /// <summary>
    /// <c>Dense(64) → BatchNorm → ReLU → Dense(32) → BatchNorm → ReLU → Dense(1)</c>, optionally behind a fitted
    /// <see cref="Normalization"/>. The last layer gives a logit: Keras's <c>Dense(1, activation="sigmoid")</c> with
    /// <c>binary_crossentropy</c> becomes <c>Dense(1)</c> with <see cref="BinaryCrossEntropyWithLogits"/>, the sigmoid
    /// living in the loss (as PyTorch's <c>BCEWithLogitsLoss</c>), which stays finite for any logit.
    /// </summary>
    /// <remarks>
    /// Initialisation and BatchNorm are PyTorch's (Kaiming-uniform Dense, BatchNorm momentum 0.1 and eps 1e-5), so
    /// that <c>tools/pytorch/penguins_binary.py</c> builds the same network with torch's defaults. Keras would use
    /// Glorot-uniform weights, zero biases, and BatchNormalization(momentum=0.99, epsilon=1e-3) — momentum 0.01 here.
    /// </remarks>
    public static Sequential Build(int inputs, Random random, Normalization? normalization = null)
    {
        var layers = new List<Layer>();
        if (normalization is not null)
        {
            layers.Add(normalization);
        }
        layers.AddRange(
        [
            new Dense(inputs, 64, random), new BatchNorm(64), new ReLU(),
            new Dense(64, 32, random), new BatchNorm(32), new ReLU(),
            new Dense(32, 1, random),
        ]);
        return new Sequential([.. layers]);
    }

    /// <summary>
    /// Adam with Keras's learning rate 1e-3 (also torch's) and torch's epsilon 1e-8 rather than Keras's 1e-7: the
    /// library's Adam is <c>torch.optim.Adam</c> to the last bit, the penguin figures are compared with PyTorch, and
    /// Keras adds its epsilon to the root of the uncorrected second moment anyway, so 1e-7 would not make it Keras's
    /// update either. Either value is far below √v for these gradients.
    /// </summary>
    public static Adam Optimizer(Layer model) => new(model.Parameters, learningRate: 1e-3, epsilon: 1e-8);
}
