using BatchNormSharp;
using BatchNormSharp.Plots;

namespace BatchNormInsight;

/// <summary>Prints progress with <see cref="ConsoleProgress"/> and, after every epoch, snapshots the running
/// statistics of each BatchNorm layer for the running-statistics pictures.</summary>
internal sealed class SnapshotProgress(ConsoleProgress console, BatchNorm[] layers,
    List<RunningStatisticsSnapshot>[] snapshots) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value)
    {
        console.Report(value);
        if (value.CompletedEpoch is { } epoch)
        {
            for (int i = 0; i < layers.Length; i++)
            {
                snapshots[i].Add(RunningStatisticsSnapshot.Of(layers[i], epoch.Epoch));
            }
        }
    }

    public void Finish() => console.Finish();
}
