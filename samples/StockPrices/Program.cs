using System.Diagnostics;
using System.Globalization;
using BatchNormSharp;
using StockPrices;

// The seed's last notebook: forecast the S&P 500's next daily close from the closes before it with a batch-normalised
// LSTM (Xavier initialisation, gradients clipped to ±1, Adam, batches of 32, up to 100 epochs, early stopping with
// patience 10 and min delta 0.001), a Dense head on the last time step and mean squared error; then score it on the
// last 30% of the days in index points beside the same LSTM without BatchNorm and the naive forecast
// "tomorrow equals today".
//
// Usage: dotnet run --project samples/StockPrices -c Release [-- --seed N] [--epochs N] [--lookback N] [--hidden N]
//            [--variant seed|cooijmans] [--target closes|returns] [--from 2005|2000] [--out DIR]
//   --target closes   (default) the next close, min-max scaled with the training range, as the seed did;
//   --target returns  the next daily return, standardised; the forecast is the last close times one plus it.
StocksOptions options;
try
{
    options = StocksOptions.Parse(args);
}
catch (ArgumentException exception)
{
    Console.Error.WriteLine(exception.Message);
    return 2;
}

var data = StockSeries.Load(Path.Combine(AppContext.BaseDirectory, "data", "sp500-2000.csv"), options.FromYear,
    options.LookBack, options.Target);
string scaling = options.Target == ForecastTarget.Closes
    ? string.Create(CultureInfo.InvariantCulture, $"closes min-max scaled with the training range {data.Offset:F2} to {data.Offset + data.Spread:F2}")
    : string.Create(CultureInfo.InvariantCulture, $"daily returns standardised with the training mean {data.Offset:E2} and deviation {data.Spread:E2}");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"S&P 500 daily closes {data.Dates[0]:yyyy-MM-dd} to {data.Dates[^1]:yyyy-MM-dd}: {data.TrainingDays} training " +
    $"days (the last 20% of their windows validate), {data.TestDays} test days from {data.TestStart:yyyy-MM-dd}; " +
    $"{scaling}; look-back {options.LookBack}, " +
    $"hidden {options.Hidden}, seed {options.Seed}."));

var clock = Stopwatch.StartNew();
string variantName = options.Variant == BatchNormLSTMVariant.Cooijmans ? "Cooijmans et al." : "the seed's, one BatchNorm per gate";
Console.WriteLine($"\nBN-LSTM ({variantName}):");
var batchNormed = Forecaster.Train(
    random => new BatchNormLSTM(1, options.Hidden, options.Variant, random, maxLength: options.LookBack),
    data, options);
Console.WriteLine(batchNormed.History.StopMessage);
Console.WriteLine("\nLSTM (no BatchNorm):");
var plain = Forecaster.Train(
    random => new LSTM(1, options.Hidden, random, init: RecurrentInit.XavierPerGate),
    data, options);
Console.WriteLine(plain.History.StopMessage);
clock.Stop();

double[] naive = data.NaiveForecast.ToArray();
Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Test RMSE in index points over {data.TestDays} days ({data.TestStart:yyyy-MM-dd} to {data.Dates[^1]:yyyy-MM-dd}):"));
Console.WriteLine(RmseLine("BN-LSTM", batchNormed.Predicted, data));
Console.WriteLine(RmseLine("LSTM", plain.Predicted, data));
Console.WriteLine(RmseLine("naive", naive, data));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Both models trained in {clock.Elapsed.TotalSeconds:F1} s ({batchNormed.History.Epochs.Count} and " +
    $"{plain.History.Epochs.Count} epochs)."));

foreach (string file in ResultFiles.Write(options.OutputFolder, data, batchNormed, plain, naive))
{
    Console.WriteLine($"Wrote {file}");
}
return 0;

static string RmseLine(string name, ReadOnlySpan<double> predicted, StockSeries data) =>
    string.Create(CultureInfo.InvariantCulture, $"RMSE {name}: {Forecaster.Rmse(predicted, data.TestCloses):F2}");
