using ScottPlot;

namespace BatchNormSharp.Plots;

/// <summary>The pieces every picture shares: one palette, titles and axis labels, overlaid histogram bars.</summary>
internal static class Figure
{
    // Matplotlib's first colours, so that the pictures read like the seed notebooks'.
    public static readonly Color Before = Color.FromHex("#1f77b4");
    public static readonly Color After = Color.FromHex("#ff7f0e");
    public static readonly Color Third = Color.FromHex("#2ca02c");
    public static readonly Color Fourth = Color.FromHex("#d62728");

    public static readonly Color[] Series =
    [
        Before, After, Third, Fourth, Color.FromHex("#9467bd"), Color.FromHex("#8c564b"), Color.FromHex("#e377c2"),
        Color.FromHex("#7f7f7f"), Color.FromHex("#bcbd22"), Color.FromHex("#17becf"),
    ];

    /// <summary>A new plot with its title (the caller's, if given) and axis labels.</summary>
    public static Plot Create(PlotOptions options, string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Title(options.Title ?? title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        return plot;
    }

    /// <summary>Adds <paramref name="bins"/> as semi-transparent bars touching each other, so that two overlaid
    /// histograms stay readable.</summary>
    public static void AddHistogram(Plot plot, HistogramBins bins, Color color, string legend)
    {
        var bars = new List<Bar>(bins.BinCount);
        for (int i = 0; i < bins.BinCount; i++)
        {
            double left = bins.Edges[i], right = bins.Edges[i + 1];
            bars.Add(new Bar
            {
                Position = (left + right) / 2,
                Size = right - left,
                Value = bins.Counts[i],
                FillColor = color.WithAlpha(0.5),
                LineColor = color,
                LineWidth = 0,
            });
        }
        var plottable = plot.Add.Bars(bars);
        plottable.LegendText = legend;
        plottable.Color = color.WithAlpha(0.5);
    }

    /// <summary>Shows the legend inside the data area, in a corner the caller picked as usually empty.</summary>
    public static void Legend(Plot plot, Alignment alignment = Alignment.UpperRight) => plot.ShowLegend(alignment);

    /// <summary>Shows the legend below the axes, for pictures whose points can be anywhere in the data area.</summary>
    public static void LegendBeside(Plot plot) => plot.ShowLegend(Edge.Bottom);
}
