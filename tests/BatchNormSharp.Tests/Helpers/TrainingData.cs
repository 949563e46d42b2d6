namespace BatchNormSharp.Tests.Helpers;

/// <summary>Small models and synthetic data sets for the model, serialization and training tests.</summary>
internal static class TrainingData
{
    /// <summary>The Iris model of the README: Dense(4,10) → BatchNorm(10) → ReLU → Dense(10,3) → BatchNorm(3).</summary>
    public static Sequential IrisModel(int seed)
    {
        var random = new Random(seed);
        return new Sequential(new Dense(4, 10, random), new BatchNorm(10), new ReLU(), new Dense(10, 3, random),
            new BatchNorm(3));
    }

    /// <summary>A model with a nested container, to check names and modes through nesting.</summary>
    public static Sequential NestedModel(int seed)
    {
        var random = new Random(seed);
        return new Sequential(
            new Dense(3, 5, random),
            new BatchNorm(5),
            new Sequential(new Dense(5, 4, random), new BatchNorm(4), new ReLU()),
            new Dense(4, 2, random));
    }

    /// <summary>
    /// Gaussian clusters, one per class, with a non-zero mean and non-unit scale: a data set a small network learns
    /// quickly. Rows are interleaved by class.
    /// </summary>
    public static (Tensor Inputs, int[] Labels) Clusters(int rows, int features, int classes, int seed,
        double spread = 1.0)
    {
        var random = new Random(seed);
        var centres = new double[classes, features];
        for (int c = 0; c < classes; c++)
        {
            for (int j = 0; j < features; j++)
            {
                centres[c, j] = 12 + (4 * Gaussian(random));
            }
        }
        var inputs = Tensor.Zeros(rows, features);
        var labels = new int[rows];
        for (int i = 0; i < rows; i++)
        {
            labels[i] = i % classes;
            for (int j = 0; j < features; j++)
            {
                inputs[i, j] = centres[labels[i], j] + (spread * Gaussian(random));
            }
        }
        return (inputs, labels);
    }

    /// <summary>A standard normal draw (Box–Muller), so that data depend on the seed alone.</summary>
    public static double Gaussian(Random random)
    {
        double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Every parameter and buffer value of a model, flattened in state-dict order, for bit-exact comparisons.</summary>
    public static double[] AllValues(Layer model) =>
        [.. model.StateDict().Values.SelectMany(tensor => tensor.ToArray())];

    /// <summary>Every BatchNorm in a model, nested ones included.</summary>
    public static IEnumerable<BatchNorm> BatchNorms(Layer layer) => layer switch
    {
        Sequential sequential => sequential.Layers.SelectMany(BatchNorms),
        BatchNorm batchNorm => [batchNorm],
        _ => [],
    };

    /// <summary>A tensor of standard normal values scaled and shifted, for inputs with non-zero mean.</summary>
    public static Tensor RandomInputs(int rows, int features, int seed, double scale = 5, double shift = 12)
    {
        var random = new Random(seed);
        var tensor = Tensor.Zeros(rows, features);
        Span<double> values = tensor.AsSpan();
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (scale * Gaussian(random)) + shift;
        }
        return tensor;
    }
}
