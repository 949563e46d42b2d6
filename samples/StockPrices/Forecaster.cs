using BatchNormSharp;

namespace StockPrices;

/// <summary>A trained model's history and its forecasts of the test days in index points.</summary>
internal sealed record Forecast(TrainingHistory History, double[] Predicted);

/// <summary>Trains a recurrent layer with a Dense head on the windows, with the seed notebook's settings.</summary>
internal static class Forecaster
{
    public const int BatchSize = 32;

    /// <summary>Trains <c>recurrent → Dense(H, 1)</c> and forecasts the test days.</summary>
    /// <param name="recurrent">Builds the recurrent layer (returning its last hidden state) from the model's random
    /// source; both models draw from the same seed, so they start from the same recurrent weights.</param>
    public static Forecast Train(Func<Random, Layer> recurrent, StockSeries data, StocksOptions options)
    {
        var random = new Random(options.Seed);
        var model = new Sequential(recurrent(random), new Dense(options.Hidden, 1, random));
        var trainer = new Trainer(model, new Adam(model.Parameters, learningRate: 1e-3), new MeanSquaredError());
        var fit = new FitOptions
        {
            Epochs = options.Epochs,
            BatchSize = BatchSize,
            Seed = options.Seed,
            // The last 20% of the training windows, in time order (held out before shuffling): the test days are
            // never seen while training, not even by early stopping.
            ValidationSplit = 0.2,
            ClipGradientValue = 1.0,
            EarlyStopping = new EarlyStopping { Patience = 10, MinDelta = 0.001, RestoreBestWeights = true },
            Verbosity = FitVerbosity.Silent,
        };
        var history = trainer.Fit(data.Training.Inputs, data.Training.Targets, fit, new EpochLines());
        double[] predicted = data.ToCloses(trainer.Predict(data.Test.Inputs).Values.AsSpan());
        return new Forecast(history, predicted);
    }

    /// <summary>The root mean squared error of <paramref name="predicted"/> against <paramref name="actual"/>.</summary>
    public static double Rmse(ReadOnlySpan<double> predicted, ReadOnlySpan<double> actual)
    {
        double sum = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double error = predicted[i] - actual[i];
            sum += error * error;
        }
        return Math.Sqrt(sum / actual.Length);
    }
}
