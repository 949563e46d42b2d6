using ScottPlot;

namespace BatchNormSharp.Plots;

/// <summary>Pictures of a regression model's predictions.</summary>
public static class RegressionPlots
{
    /// <summary>
    /// Writes predicted against actual values, one point per row, with the diagonal where a perfect model's points
    /// would lie.
    /// </summary>
    /// <param name="path">The file to write (<c>.png</c> or <c>.svg</c>); its folder must exist.</param>
    /// <param name="actual">The true targets.</param>
    /// <param name="predicted">The model's predictions, in the same order; as many as <paramref name="actual"/>.</param>
    /// <param name="options">Size, format and title; defaults when <see langword="null"/>.</param>
    /// <returns>The full path of the file written.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A series is empty or not finite, the lengths differ, or the path cannot be
    /// written.</exception>
    public static string PredictedVersusActual(string path, IReadOnlyList<double> actual,
        IReadOnlyList<double> predicted, PlotOptions? options = null)
    {
        options ??= new PlotOptions();
        double[] xs = PlotGuard.Finite(actual, "the actual values", nameof(actual));
        double[] ys = PlotGuard.Finite(predicted, "the predicted values", nameof(predicted));
        if (xs.Length != ys.Length)
        {
            throw new ArgumentException(
                $"Expected one prediction per actual value ({PlotGuard.Text(xs.Length)}), but got " +
                $"{PlotGuard.Text(ys.Length)}.", nameof(predicted));
        }
        var file = PlotFile.Check(path, options);

        using var plot = Figure.Create(options, "Predicted versus actual", "actual", "predicted");
        double low = Math.Min(xs.Min(), ys.Min()), high = Math.Max(xs.Max(), ys.Max());
        var diagonal = plot.Add.Line(low, low, high, high);
        diagonal.Color = Figure.Fourth;
        diagonal.LinePattern = LinePattern.Dashed;
        diagonal.LegendText = "predicted = actual";
        var points = plot.Add.ScatterPoints(xs, ys, Figure.Before.WithAlpha(0.6));
        points.LegendText = "rows";
        Figure.Legend(plot, Alignment.UpperLeft);
        return file.Write(plot);
    }
}
