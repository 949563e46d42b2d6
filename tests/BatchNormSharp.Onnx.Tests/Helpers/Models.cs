namespace BatchNormSharp.Onnx.Tests.Helpers;

/// <summary>Trained models for the export and folding tests.</summary>
internal static class Models
{
    /// <summary>The Iris sample's model, Dense(4,10) → BatchNorm(10) → ReLU → Dense(10,3) → BatchNorm(3), trained on
    /// the Iris training rows.</summary>
    public static Sequential TrainedIris(int seed)
    {
        var data = SampleData.Iris();
        var random = new Random(seed);
        var model = new Sequential(new Dense(4, 10, random), new BatchNorm(10), new ReLU(), new Dense(10, 3, random),
            new BatchNorm(3));
        Train(model, data, epochs: 60, learningRate: 0.02, seed);
        return model;
    }

    /// <summary>A Digits model with a BatchNorm in front (the raw pixels are not scaled), trained briefly.</summary>
    public static Sequential TrainedDigits(int seed)
    {
        var data = SampleData.Digits();
        var random = new Random(seed);
        var model = new Sequential(new BatchNorm(64), new Dense(64, 32, random), new BatchNorm(32), new ReLU(),
            new Dense(32, 10, random), new BatchNorm(10));
        Train(model, data, epochs: 5, learningRate: 0.05, seed);
        return model;
    }

    private static void Train(Sequential model, LabelledSplit data, int epochs, double learningRate, int seed) =>
        new Trainer(model, new SgdMomentum(model.Parameters, learningRate, 0.9))
            .Fit(data.TrainInputs, data.TrainLabels, new FitOptions { Epochs = epochs, BatchSize = 32, Seed = seed });
}
