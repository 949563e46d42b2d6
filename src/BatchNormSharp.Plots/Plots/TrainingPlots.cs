using ScottPlot;

namespace BatchNormSharp.Plots;

/// <summary>Pictures of a training run: the loss and accuracy curves of a <see cref="TrainingHistory"/>, and a
/// BatchNorm layer's running statistics over training.</summary>
public static class TrainingPlots
{
    /// <summary>The most features <see cref="RunningStatistics"/> draws when the caller names none.</summary>
    public const int DefaultFeatureCount = 5;

    /// <summary>
    /// Writes the training and validation curves (loss or accuracy) of <paramref name="history"/> by epoch, with the
    /// best epoch of early stopping marked (and whether its weights were restored), and the epoch where early
    /// stopping ended training.
    /// </summary>
    /// <param name="path">The file to write (<c>.png</c> or <c>.svg</c>); its folder must exist.</param>
    /// <param name="history">What <see cref="Trainer.Fit(Tensor, Tensor, FitOptions?, IProgress{TrainingProgress}?, CancellationToken)"/> returned; at least one completed epoch.</param>
    /// <param name="curve">Loss or accuracy.</param>
    /// <param name="options">Size, format and title; defaults when <see langword="null"/>.</param>
    /// <returns>The full path of the file written.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="history"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">No epoch completed, a value is not finite, or the path cannot be
    /// written.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="curve"/> is not a defined value.</exception>
    public static string Curves(string path, TrainingHistory history, TrainingCurve curve, PlotOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        options ??= new PlotOptions();
        var (name, trainingMetric, validationMetric) = curve switch
        {
            TrainingCurve.Loss => ("loss", TrainingMetric.TrainingLoss, TrainingMetric.ValidationLoss),
            TrainingCurve.Accuracy => ("accuracy", TrainingMetric.TrainingAccuracy, TrainingMetric.ValidationAccuracy),
            _ => throw new ArgumentOutOfRangeException(nameof(curve), curve,
                $"Expected TrainingCurve.Loss or TrainingCurve.Accuracy, but got {curve}."),
        };
        if (history.Epochs.Count == 0)
        {
            throw new ArgumentException(
                $"Expected a history with at least one completed epoch, but it has none ({history.StopMessage}).",
                nameof(history));
        }
        double[] epochs = [.. history.Epochs.Select(epoch => (double)epoch.Epoch)];
        double[] training = PlotGuard.Finite([.. history.Epochs.Select(epoch => epoch.Get(trainingMetric)!.Value)],
            $"the training {name}", nameof(history));
        var validated = history.Epochs.Where(epoch => epoch.Get(validationMetric).HasValue).ToArray();
        double[]? validation = validated.Length == 0
            ? null
            : PlotGuard.Finite([.. validated.Select(epoch => epoch.Get(validationMetric)!.Value)],
                $"the validation {name}", nameof(history));
        var file = PlotFile.Check(path, options);

        using var plot = Figure.Create(options, $"Training and validation {name}", "epoch", name);
        var trainingLine = plot.Add.Scatter(epochs, training, Figure.Before);
        trainingLine.LegendText = name;
        if (validation is not null)
        {
            var validationLine = plot.Add.Scatter([.. validated.Select(epoch => (double)epoch.Epoch)], validation,
                Figure.After);
            validationLine.LegendText = "val_" + name;
        }
        if (history.BestEpoch is { } best)
        {
            var line = plot.Add.VerticalLine(best.Epoch, 2, Figure.Third, LinePattern.Dashed);
            line.LegendText = history.RestoredBestWeights
                ? $"best epoch {PlotGuard.Text(best.Epoch)} (weights restored)"
                : $"best epoch {PlotGuard.Text(best.Epoch)}";
        }
        if (history.StopReason == StopReason.EarlyStopped)
        {
            int last = history.Epochs[^1].Epoch;
            var line = plot.Add.VerticalLine(last, 2, Figure.Fourth, LinePattern.Dotted);
            line.LegendText = $"early stop (epoch {PlotGuard.Text(last)})";
        }
        Figure.Legend(plot, curve == TrainingCurve.Loss ? Alignment.UpperRight : Alignment.LowerRight);
        return file.Write(plot);
    }

    /// <summary>
    /// Writes a BatchNorm layer's running mean (solid lines, left axis) and running variance (dashed lines, right
    /// axis) over training, one colour per feature, from snapshots the caller collected
    /// (<see cref="RunningStatisticsSnapshot.Of"/> after each epoch, say).
    /// </summary>
    /// <param name="path">The file to write (<c>.png</c> or <c>.svg</c>); its folder must exist.</param>
    /// <param name="snapshots">The snapshots in the order taken; at least one, all of the same feature count, all
    /// finite.</param>
    /// <param name="features">The features to draw; <see langword="null"/> for the first
    /// <see cref="DefaultFeatureCount"/>.</param>
    /// <param name="stepLabel">What <see cref="RunningStatisticsSnapshot.Step"/> counts, for the horizontal axis.</param>
    /// <param name="options">Size, format and title; defaults when <see langword="null"/>.</param>
    /// <returns>The full path of the file written.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="snapshots"/> or a snapshot is
    /// <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">No snapshots, feature counts that differ, a feature out of range, a value
    /// not finite, or a path that cannot be written.</exception>
    public static string RunningStatistics(string path, IReadOnlyList<RunningStatisticsSnapshot> snapshots,
        IReadOnlyList<int>? features = null, string stepLabel = "epoch", PlotOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        ArgumentException.ThrowIfNullOrWhiteSpace(stepLabel);
        options ??= new PlotOptions();
        if (snapshots.Count == 0)
        {
            throw new ArgumentException("Expected at least one snapshot of the running statistics, but got none.",
                nameof(snapshots));
        }
        var taken = snapshots.ToArray();
        if (Array.IndexOf(taken, null) is var missing and >= 0)
        {
            throw new ArgumentNullException(nameof(snapshots), $"Snapshot {PlotGuard.Text(missing)} is null.");
        }
        int count = taken[0].Features;
        if (taken.FirstOrDefault(snapshot => snapshot.Features != count) is { } odd)
        {
            throw new ArgumentException(
                $"Expected every snapshot to have {PlotGuard.Text(count)} features, like the first, but one has " +
                $"{PlotGuard.Text(odd.Features)}. Take all snapshots from the same layer.", nameof(snapshots));
        }
        int[] drawn = features is null ? [.. Enumerable.Range(0, Math.Min(count, DefaultFeatureCount))] : [.. features];
        if (drawn.Length == 0 || drawn.Any(feature => feature < 0 || feature >= count))
        {
            throw new ArgumentException(
                $"Expected one or more feature indices from 0 to {PlotGuard.Text(count - 1)}, but got " +
                $"[{string.Join(", ", drawn.Select(PlotGuard.Text))}].", nameof(features));
        }
        double[] steps = PlotGuard.Finite([.. taken.Select(snapshot => snapshot.Step)], "the snapshot steps",
            nameof(snapshots));
        var means = drawn.Select(feature => PlotGuard.Finite([.. taken.Select(s => s.RunningMean[feature])],
            $"the running mean of feature {PlotGuard.Text(feature)}", nameof(snapshots))).ToArray();
        var variances = drawn.Select(feature => PlotGuard.Finite([.. taken.Select(s => s.RunningVariance[feature])],
            $"the running variance of feature {PlotGuard.Text(feature)}", nameof(snapshots))).ToArray();
        var file = PlotFile.Check(path, options);

        using var plot = Figure.Create(options, "Running mean (solid) and running variance (dashed) over training",
            stepLabel, "running mean");
        var right = plot.Axes.Right;
        right.Label.Text = "running variance";
        for (int k = 0; k < drawn.Length; k++)
        {
            var color = Figure.Series[k % Figure.Series.Length];
            var mean = plot.Add.Scatter(steps, means[k], color);
            mean.LegendText = $"mean[{PlotGuard.Text(drawn[k])}]";
            var variance = plot.Add.Scatter(steps, variances[k], color);
            variance.LinePattern = LinePattern.Dashed;
            variance.MarkerShape = MarkerShape.OpenCircle;
            variance.LegendText = $"var[{PlotGuard.Text(drawn[k])}]";
            variance.Axes.YAxis = right;
        }
        Figure.LegendBeside(plot);
        return file.Write(plot);
    }
}
