namespace BatchNormSharp;

/// <summary>What <see cref="Trainer.Fit(Tensor, Tensor, FitOptions?, IProgress{TrainingProgress}?, CancellationToken)"/> did: the metrics of every completed epoch and why it stopped (Keras's
/// <c>History</c>).</summary>
public sealed class TrainingHistory
{
    internal TrainingHistory(IReadOnlyList<EpochMetrics> epochs, StopReason stopReason, string stopMessage,
        EpochMetrics? bestEpoch, bool restoredBestWeights)
    {
        Epochs = epochs;
        StopReason = stopReason;
        StopMessage = stopMessage;
        BestEpoch = bestEpoch;
        RestoredBestWeights = restoredBestWeights;
    }

    /// <summary>The metrics of each completed epoch, in order. An epoch is complete once all its batches have trained,
    /// even when a cancel arrived during its last batch; an epoch cut short part-way by cancellation or by a
    /// non-finite loss is not listed (its batches before the stop did train the weights).</summary>
    public IReadOnlyList<EpochMetrics> Epochs { get; }

    /// <summary>Why training stopped.</summary>
    public StopReason StopReason { get; }

    /// <summary>A sentence saying why training stopped, e.g. where a non-finite loss appeared.</summary>
    public string StopMessage { get; }

    /// <summary>The best epoch by the early-stopping metric, or <see langword="null"/> without early stopping or
    /// before any epoch completed.</summary>
    public EpochMetrics? BestEpoch { get; }

    /// <summary>Whether the model was set back to the weights and running statistics of <see cref="BestEpoch"/>.</summary>
    public bool RestoredBestWeights { get; }

    /// <summary>The training loss of each completed epoch (Keras's <c>history["loss"]</c>).</summary>
    public IReadOnlyList<double> TrainingLoss => [.. Epochs.Select(epoch => epoch.TrainingLoss)];

    /// <summary>The training accuracy of each completed epoch; empty for regression.</summary>
    public IReadOnlyList<double> TrainingAccuracy =>
        [.. Epochs.Where(epoch => epoch.TrainingAccuracy.HasValue).Select(epoch => epoch.TrainingAccuracy!.Value)];

    /// <summary>The training mean absolute error of each completed epoch; empty for classification.</summary>
    public IReadOnlyList<double> TrainingMeanAbsoluteError =>
        [.. Epochs.Where(epoch => epoch.TrainingMeanAbsoluteError.HasValue)
            .Select(epoch => epoch.TrainingMeanAbsoluteError!.Value)];

    /// <summary>The validation mean absolute error of each completed epoch; empty for classification or without
    /// validation data.</summary>
    public IReadOnlyList<double> ValidationMeanAbsoluteError =>
        [.. Epochs.Where(epoch => epoch.ValidationMeanAbsoluteError.HasValue)
            .Select(epoch => epoch.ValidationMeanAbsoluteError!.Value)];

    /// <summary>The validation loss of each completed epoch; empty without validation data.</summary>
    public IReadOnlyList<double> ValidationLoss =>
        [.. Epochs.Where(epoch => epoch.ValidationLoss.HasValue).Select(epoch => epoch.ValidationLoss!.Value)];

    /// <summary>The validation accuracy of each completed epoch; empty without validation data.</summary>
    public IReadOnlyList<double> ValidationAccuracy =>
        [.. Epochs.Where(epoch => epoch.ValidationAccuracy.HasValue).Select(epoch => epoch.ValidationAccuracy!.Value)];

    /// <inheritdoc/>
    public override string ToString() => $"{Epochs.Count} epochs, {StopReason}: {StopMessage}";
}
