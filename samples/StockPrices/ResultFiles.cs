using System.Globalization;
using System.Text;
using BatchNormSharp;
using BatchNormSharp.Plots;

namespace StockPrices;

/// <summary>Writes the loss curves and the test forecasts as CSV files and pictures.</summary>
internal static class ResultFiles
{
    /// <summary>Writes every file under <paramref name="folder"/> (created if missing) and returns their paths.</summary>
    public static IReadOnlyList<string> Write(string folder, StockSeries data, Forecast batchNormed, Forecast plain,
        double[] naive)
    {
        Directory.CreateDirectory(folder);
        string Out(string name) => Path.Combine(folder, name);
        var written = new List<string>
        {
            WriteLosses(Out("bn-lstm-loss.csv"), batchNormed.History),
            WriteLosses(Out("lstm-loss.csv"), plain.History),
            WriteForecasts(Out("test-forecasts.csv"), data, batchNormed, plain, naive),
            TrainingPlots.Curves(Out("bn-lstm-loss.png"), batchNormed.History, TrainingCurve.Loss,
                new PlotOptions { Title = "BN-LSTM: training and validation loss (MSE, scaled)" }),
            TrainingPlots.Curves(Out("lstm-loss.png"), plain.History, TrainingCurve.Loss,
                new PlotOptions { Title = "LSTM: training and validation loss (MSE, scaled)" }),
        };
        double[] actual = data.TestCloses.ToArray();
        written.Add(RegressionPlots.PredictedVersusActual(Out("bn-lstm-predicted-vs-actual.png"), actual,
            batchNormed.Predicted, new PlotOptions { Title = "BN-LSTM: next close on the test days (index points)" }));
        written.Add(RegressionPlots.PredictedVersusActual(Out("lstm-predicted-vs-actual.png"), actual,
            plain.Predicted, new PlotOptions { Title = "LSTM: next close on the test days (index points)" }));
        return written;
    }

    private static string WriteLosses(string path, TrainingHistory history)
    {
        var csv = new StringBuilder("epoch,loss,val_loss\n");
        foreach (var epoch in history.Epochs)
        {
            csv.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{epoch.Epoch},{epoch.TrainingLoss:R},{epoch.ValidationLoss:R}"));
        }
        File.WriteAllText(path, csv.ToString());
        return Path.GetFullPath(path);
    }

    private static string WriteForecasts(string path, StockSeries data, Forecast batchNormed, Forecast plain,
        double[] naive)
    {
        var csv = new StringBuilder("date,actual,bn_lstm,lstm,naive\n");
        ReadOnlySpan<double> actual = data.TestCloses;
        for (int i = 0; i < actual.Length; i++)
        {
            csv.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{data.Dates[data.TrainingDays + i]:yyyy-MM-dd},{actual[i]:R},{batchNormed.Predicted[i]:R},{plain.Predicted[i]:R},{naive[i]:R}"));
        }
        File.WriteAllText(path, csv.ToString());
        return Path.GetFullPath(path);
    }
}
