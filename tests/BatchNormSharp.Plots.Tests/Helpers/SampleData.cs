namespace BatchNormSharp.Plots.Tests.Helpers;

/// <summary>Seeded data for the pictures.</summary>
internal static class SampleData
{
    public static double[] Normal(int count, double mean, double deviation, int seed)
    {
        var random = new Random(seed);
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            // Box-Muller: the tests need only a bell shape from a fixed seed.
            double u = 1.0 - random.NextDouble(), v = random.NextDouble();
            values[i] = mean + (deviation * Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * v));
        }
        return values;
    }

    /// <summary>Rows from two Gaussians, as the seed notebook's mixture.</summary>
    public static Tensor Mixture(int rows, int features, int seed)
    {
        var random = new Random(seed);
        var values = Normal(rows * features, 0.0, 1.0, seed);
        for (int i = 0; i < rows; i++)
        {
            double shift = i < rows / 2 ? -2.0 : 2.0;
            for (int j = 0; j < features; j++)
            {
                values[(i * features) + j] += shift + random.NextDouble();
            }
        }
        return Tensor.FromSpan(values, rows, features);
    }

    /// <summary>A small classifier trained with validation and early stopping, for the curves.</summary>
    public static TrainingHistory TrainedHistory(bool earlyStopping)
    {
        var inputs = Mixture(60, 3, seed: 3);
        int[] labels = [.. Enumerable.Range(0, 60).Select(i => i < 30 ? 0 : 1)];
        var random = new Random(5);
        var model = new Sequential(new Dense(3, 4, random), new BatchNorm(4), new ReLU(), new Dense(4, 2, random));
        var trainer = new Trainer(model, new SgdMomentum(model.Parameters, learningRate: 0.5, momentum: 0.9));
        return trainer.Fit(inputs, labels, new FitOptions
        {
            Epochs = 40,
            BatchSize = 10,
            Seed = 7,
            ValidationInputs = inputs,
            ValidationLabels = labels,
            EarlyStopping = earlyStopping ? new EarlyStopping { Patience = 2, RestoreBestWeights = true } : null,
        });
    }
}
