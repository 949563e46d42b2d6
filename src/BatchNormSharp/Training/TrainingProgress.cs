namespace BatchNormSharp;

/// <summary>
/// A progress report from <see cref="Trainer.Fit(Tensor, Tensor, FitOptions?, IProgress{TrainingProgress}?, CancellationToken)"/>: one after every batch, and one more at the end of every epoch
/// with the epoch's results in <see cref="CompletedEpoch"/>.
/// </summary>
/// <remarks>A value type, so reporting allocates nothing. Reports arrive on the training thread, in order, when the
/// <see cref="IProgress{T}"/> handles them synchronously (<see cref="Progress{T}"/> posts them to the captured
/// synchronisation context or the thread pool instead).</remarks>
/// <param name="Epoch">The current epoch, from 1.</param>
/// <param name="Epochs">The number of epochs requested.</param>
/// <param name="Batch">Batches done in this epoch, from 1.</param>
/// <param name="Batches">Batches per epoch.</param>
/// <param name="Loss">The mean training loss over this epoch's batches so far.</param>
/// <param name="Accuracy">The training accuracy over this epoch's batches so far (for regression, the mean absolute
/// error: see <see cref="MetricName"/>).</param>
/// <param name="CompletedEpoch">The epoch's results (with validation metrics) in the end-of-epoch report;
/// <see langword="null"/> in the per-batch reports.</param>
public readonly record struct TrainingProgress(
    int Epoch,
    int Epochs,
    int Batch,
    int Batches,
    double Loss,
    double Accuracy,
    EpochMetrics? CompletedEpoch)
{
    /// <summary>What <see cref="Accuracy"/> holds: <c>accuracy</c> for a classifier, <c>mae</c> (mean absolute error) for
    /// regression, as Keras names them in its progress lines.</summary>
    public string MetricName { get; init; } = "accuracy";
}
