using System.Globalization;
using BatchNormSharp;

namespace BinaryClassifier;

/// <summary>
/// The seed notebook's experiment as written: 100 rows of 10 standard-normal features with random 0/1 labels, the
/// network of <see cref="Network"/>, Adam, binary cross-entropy, 15 epochs of batches of 16, then an evaluation on the
/// same 100 rows. The labels carry no signal, so anything above 0.5 is memorisation (Keras printed loss 0.5401,
/// accuracy 0.8500).
/// </summary>
internal static class RandomLabels
{
    private const int Rows = 100;
    private const int Features = 10;

    public static void Run(int seed)
    {
        var random = new Random(seed);
        var (inputs, targets) = Make(random);
        var model = Network.Build(Features, random);
        var trainer = new Trainer(model, Network.Optimizer(model), new BinaryCrossEntropyWithLogits());

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Random labels: {Rows} rows of {Features} standard-normal features, labels 0/1 at random, seed {seed}"));
        // Fit prints a Keras-style line per epoch (FitOptions.Verbosity defaults to Progress).
        trainer.Fit(inputs, targets, new FitOptions { Epochs = 15, BatchSize = 16, Seed = seed });

        // As the notebook did: evaluated on the rows it trained on (inference mode, BatchNorm's running statistics).
        var result = trainer.Evaluate(inputs, targets);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Loss: {result.Loss:F4}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Accuracy: {result.Accuracy:F4}"));
    }

    /// <summary>Standard-normal features (Box–Muller, written out so that a seed gives the same rows on every .NET
    /// version) and labels drawn as fair coin flips.</summary>
    private static (Tensor Inputs, Tensor Targets) Make(Random random)
    {
        var inputs = Tensor.Zeros(Rows, Features);
        var values = inputs.AsSpan();
        for (int i = 0; i < values.Length; i += 2)
        {
            double radius = Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble()));
            double angle = 2.0 * Math.PI * random.NextDouble();
            values[i] = radius * Math.Cos(angle);
            if (i + 1 < values.Length)
            {
                values[i + 1] = radius * Math.Sin(angle);
            }
        }
        var targets = Tensor.Zeros(Rows, 1);
        for (int i = 0; i < Rows; i++)
        {
            targets[i, 0] = random.Next(2);
        }
        return (inputs, targets);
    }
}
