using ScottPlot;

namespace BatchNormSharp.Plots;

/// <summary>
/// Pictures of what a BatchNorm layer does to its input: the seed notebooks' overlaid histograms before and after
/// normalisation (also through an activation such as tanh), and the per-feature mean and standard deviation.
/// </summary>
/// <remarks>The values are plain numbers (a recorded layer input and output, <see cref="Tensor.ToArray"/>, or
/// <see cref="FeatureColumns.Of"/> for per-feature columns); nothing here reads or changes a model. Every function
/// checks all its arguments before it draws, and writes the file whole or not at all.</remarks>
public static class DistributionPlots
{
    /// <summary>The default number of histogram bins.</summary>
    public const int DefaultBins = 50;

    /// <summary>
    /// Writes the histograms of a layer's input before and after BatchNorm, overlaid with semi-transparent bars and a
    /// legend "before BatchNorm" / "after BatchNorm". Each histogram spans its own values, as
    /// <c>numpy.histogram(values, bins)</c> (see <see cref="Histogram"/>).
    /// </summary>
    /// <param name="path">The file to write; its extension <c>.png</c> or <c>.svg</c> chooses the format unless
    /// <see cref="PlotOptions.Format"/> says. Its folder must exist.</param>
    /// <param name="before">The values entering BatchNorm (all features pooled, as the notebook's
    /// <c>x.flatten()</c>).</param>
    /// <param name="after">The values leaving BatchNorm.</param>
    /// <param name="bins">The number of bins of each histogram; 1 or more.</param>
    /// <param name="options">Size, format and title; defaults when <see langword="null"/>.</param>
    /// <returns>The full path of the file written.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A series is empty or not finite, or the path cannot be written.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bins"/> is less than 1.</exception>
    public static string BeforeAfterHistogram(string path, IReadOnlyList<double> before, IReadOnlyList<double> after,
        int bins = DefaultBins, PlotOptions? options = null)
    {
        options ??= new PlotOptions();
        var beforeBins = Histogram.Compute(PlotGuard.Finite(before, "the values before BatchNorm", nameof(before)), bins);
        var afterBins = Histogram.Compute(PlotGuard.Finite(after, "the values after BatchNorm", nameof(after)), bins);
        var file = PlotFile.Check(path, options);
        using var plot = Figure.Create(options, "Layer input before and after BatchNorm", "value", "count");
        DrawPair(plot, beforeBins, afterBins);
        return file.Write(plot);
    }

    /// <summary>
    /// Writes the histograms of <paramref name="activation"/> applied to a layer's input before and after BatchNorm:
    /// the seed's second picture, where tanh of unnormalised inputs piles up at ±1 and tanh of normalised ones
    /// spreads over its sensitive middle.
    /// </summary>
    /// <param name="path">The file to write (<c>.png</c> or <c>.svg</c>); its folder must exist.</param>
    /// <param name="before">The values entering BatchNorm.</param>
    /// <param name="after">The values leaving BatchNorm.</param>
    /// <param name="activation">The activation applied to each value, e.g. <see cref="Math.Tanh"/>; it must return a
    /// finite number for every value.</param>
    /// <param name="activationName">The activation's name for the title and axis, e.g. "tanh".</param>
    /// <param name="bins">The number of bins of each histogram; 1 or more.</param>
    /// <param name="options">Size, format and title; defaults when <see langword="null"/>.</param>
    /// <returns>The full path of the file written.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A series is empty or not finite (before or after the activation), the
    /// name is blank, or the path cannot be written.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bins"/> is less than 1.</exception>
    public static string ActivationHistogram(string path, IReadOnlyList<double> before, IReadOnlyList<double> after,
        Func<double, double> activation, string activationName, int bins = DefaultBins, PlotOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(activation);
        ArgumentException.ThrowIfNullOrWhiteSpace(activationName);
        options ??= new PlotOptions();
        double[] activatedBefore = Apply(PlotGuard.Finite(before, "the values before BatchNorm", nameof(before)),
            activation);
        double[] activatedAfter = Apply(PlotGuard.Finite(after, "the values after BatchNorm", nameof(after)),
            activation);
        var beforeBins = Histogram.Compute(
            PlotGuard.Finite(activatedBefore, $"{activationName} of the values before BatchNorm", nameof(activation)),
            bins);
        var afterBins = Histogram.Compute(
            PlotGuard.Finite(activatedAfter, $"{activationName} of the values after BatchNorm", nameof(activation)),
            bins);
        var file = PlotFile.Check(path, options);
        using var plot = Figure.Create(options, $"{activationName} of the layer input, before and after BatchNorm",
            $"{activationName}(value)", "count");
        DrawPair(plot, beforeBins, afterBins);
        return file.Write(plot);
    }

    /// <summary>
    /// Writes each feature's mean and standard deviation before and after BatchNorm: in training mode the means after
    /// sit at beta (0 for a new layer) and the deviations at gamma (1), whatever they were before.
    /// </summary>
    /// <param name="path">The file to write (<c>.png</c> or <c>.svg</c>); its folder must exist.</param>
    /// <param name="before">One column per feature of the values entering BatchNorm (see
    /// <see cref="FeatureColumns.Of"/>).</param>
    /// <param name="after">One column per feature of the values leaving BatchNorm; as many features as
    /// <paramref name="before"/>.</param>
    /// <param name="options">Size, format and title; defaults when <see langword="null"/>.</param>
    /// <returns>The full path of the file written.</returns>
    /// <remarks>The standard deviation is the population one (divide by N, NumPy's <c>std</c> default), which is what
    /// BatchNorm normalises with in training.</remarks>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">No features, an empty or non-finite column, feature counts that differ,
    /// or a path that cannot be written.</exception>
    public static string FeatureStatistics(string path, IReadOnlyList<IReadOnlyList<double>> before,
        IReadOnlyList<IReadOnlyList<double>> after, PlotOptions? options = null)
    {
        options ??= new PlotOptions();
        double[][] beforeColumns = PlotGuard.Columns(before, "the values before BatchNorm", nameof(before));
        double[][] afterColumns = PlotGuard.Columns(after, "the values after BatchNorm", nameof(after));
        if (beforeColumns.Length != afterColumns.Length)
        {
            throw new ArgumentException(
                $"Expected as many features after BatchNorm as before ({PlotGuard.Text(beforeColumns.Length)}), but " +
                $"got {PlotGuard.Text(afterColumns.Length)}. Pass the same layer's input and output.", nameof(after));
        }
        var file = PlotFile.Check(path, options);
        double[] features = [.. Enumerable.Range(0, beforeColumns.Length).Select(j => (double)j)];
        using var plot = Figure.Create(options, "Per-feature mean and standard deviation, before and after BatchNorm",
            "feature", "value");
        AddSeries(plot, features, [.. beforeColumns.Select(Mean)], Figure.Before, LinePattern.Solid, MarkerShape.FilledCircle,
            "mean before BatchNorm");
        AddSeries(plot, features, [.. beforeColumns.Select(StandardDeviation)], Figure.Before, LinePattern.Dashed,
            MarkerShape.OpenCircle, "std before BatchNorm");
        AddSeries(plot, features, [.. afterColumns.Select(Mean)], Figure.After, LinePattern.Solid, MarkerShape.FilledSquare,
            "mean after BatchNorm");
        AddSeries(plot, features, [.. afterColumns.Select(StandardDeviation)], Figure.After, LinePattern.Dashed,
            MarkerShape.OpenSquare, "std after BatchNorm");
        Figure.LegendBeside(plot);
        return file.Write(plot);
    }

    /// <summary>
    /// <see cref="BeforeAfterHistogram(string, IReadOnlyList{double}, IReadOnlyList{double}, int, PlotOptions?)"/> of
    /// the last forward pass <paramref name="recorder"/> holds: attach it to a BatchNorm of a model, run the model on
    /// real data, then plot.
    /// </summary>
    /// <param name="path">The file to write (<c>.png</c> or <c>.svg</c>); its folder must exist.</param>
    /// <param name="recorder">A recorder on a BatchNorm (or any layer) that has recorded at least one pass. Not
    /// changed, nor is its layer.</param>
    /// <param name="bins">The number of bins of each histogram; 1 or more.</param>
    /// <param name="options">Size, format and title; defaults when <see langword="null"/>.</param>
    /// <returns>The full path of the file written.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="recorder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The recorder holds no pass, a value is not finite, or the path cannot be
    /// written.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bins"/> is less than 1.</exception>
    public static string BeforeAfterHistogram(string path, ActivationRecorder recorder, int bins = DefaultBins,
        PlotOptions? options = null)
    {
        var (input, output) = RecordedPass.Last(recorder, nameof(recorder));
        return BeforeAfterHistogram(path, input.ToArray(), output.ToArray(), bins, options);
    }

    /// <summary>
    /// <see cref="ActivationHistogram(string, IReadOnlyList{double}, IReadOnlyList{double}, Func{double, double}, string, int, PlotOptions?)"/>
    /// of the last forward pass <paramref name="recorder"/> holds.
    /// </summary>
    /// <param name="path">The file to write (<c>.png</c> or <c>.svg</c>); its folder must exist.</param>
    /// <param name="recorder">A recorder that has recorded at least one pass.</param>
    /// <param name="activation">The activation applied to each value, e.g. <see cref="Math.Tanh"/>.</param>
    /// <param name="activationName">The activation's name for the title and axis.</param>
    /// <param name="bins">The number of bins of each histogram; 1 or more.</param>
    /// <param name="options">Size, format and title; defaults when <see langword="null"/>.</param>
    /// <returns>The full path of the file written.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The recorder holds no pass, a value is not finite, the name is blank, or
    /// the path cannot be written.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bins"/> is less than 1.</exception>
    public static string ActivationHistogram(string path, ActivationRecorder recorder, Func<double, double> activation,
        string activationName, int bins = DefaultBins, PlotOptions? options = null)
    {
        var (input, output) = RecordedPass.Last(recorder, nameof(recorder));
        return ActivationHistogram(path, input.ToArray(), output.ToArray(), activation, activationName, bins, options);
    }

    /// <summary>
    /// <see cref="FeatureStatistics(string, IReadOnlyList{IReadOnlyList{double}}, IReadOnlyList{IReadOnlyList{double}}, PlotOptions?)"/>
    /// of the last forward pass <paramref name="recorder"/> holds.
    /// </summary>
    /// <param name="path">The file to write (<c>.png</c> or <c>.svg</c>); its folder must exist.</param>
    /// <param name="recorder">A recorder on a layer whose input and output are <c>[rows, features]</c> batches of the
    /// same width, such as a BatchNorm, that has recorded at least one pass.</param>
    /// <param name="options">Size, format and title; defaults when <see langword="null"/>.</param>
    /// <returns>The full path of the file written.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="recorder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The recorder holds no pass, the input and output differ in width, a value
    /// is not finite, or the path cannot be written.</exception>
    public static string FeatureStatistics(string path, ActivationRecorder recorder, PlotOptions? options = null)
    {
        var (input, output) = RecordedPass.Last(recorder, nameof(recorder));
        return FeatureStatistics(path, FeatureColumns.Of(input), FeatureColumns.Of(output), options);
    }

    private static void DrawPair(Plot plot, HistogramBins before, HistogramBins after)
    {
        Figure.AddHistogram(plot, before, Figure.Before, "before BatchNorm");
        Figure.AddHistogram(plot, after, Figure.After, "after BatchNorm");
        // Bars stand on the axis; the room above the tallest bar keeps the legend off the bars.
        plot.Axes.Margins(left: 0.03, right: 0.03, bottom: 0, top: 0.22);
        Figure.Legend(plot);
    }

    private static void AddSeries(Plot plot, double[] xs, double[] ys, Color color, LinePattern pattern,
        MarkerShape marker, string legend)
    {
        var scatter = plot.Add.Scatter(xs, ys, color);
        scatter.LinePattern = pattern;
        scatter.MarkerShape = marker;
        scatter.MarkerSize = 6;
        scatter.LegendText = legend;
    }

    private static double[] Apply(double[] values, Func<double, double> activation)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = activation(values[i]);
        }
        return result;
    }

    /// <summary>The mean, two-pass with the variance below (never E[x²] − E[x]²), as the core library computes it.</summary>
    internal static double Mean(double[] values)
    {
        double sum = 0;
        foreach (double value in values)
        {
            sum += value;
        }
        return sum / values.Length;
    }

    internal static double StandardDeviation(double[] values)
    {
        double mean = Mean(values), squares = 0;
        foreach (double value in values)
        {
            squares += (value - mean) * (value - mean);
        }
        return Math.Sqrt(squares / values.Length);
    }
}
