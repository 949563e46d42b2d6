using System.Globalization;
using BatchNormSharp;
using Spectre.Console;

namespace Digits;

/// <summary>
/// Shows training as it happens: a live Spectre.Console progress bar with the running loss and accuracy on a terminal,
/// and plain lines (one per epoch) when the output is redirected to a file or a CI log.
/// </summary>
internal static class TrainingDisplay
{
    /// <summary>Whether a live display can be drawn: a real terminal, not a redirected stream.</summary>
    public static bool IsInteractive =>
        !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Runs <paramref name="fit"/>, passing it a progress sink that draws or prints.</summary>
    public static TrainingHistory Run(int epochs, Func<IProgress<TrainingProgress>, TrainingHistory> fit)
    {
        if (!IsInteractive)
        {
            return fit(new PlainLines());
        }
        TrainingHistory? history = null;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask("Training", maxValue: epochs);
                history = fit(new LiveBar(task));
            });
        return history!;
    }

    /// <summary>The line printed for a finished epoch.</summary>
    public static string EpochLine(EpochMetrics epoch, int epochs) => string.Create(CultureInfo.InvariantCulture,
        $"Epoch {epoch.Epoch,3}/{epochs}  loss {epoch.TrainingLoss:F4}  accuracy {epoch.TrainingAccuracy:F4}  " +
        $"val_loss {epoch.ValidationLoss:F4}  val_accuracy {epoch.ValidationAccuracy:F4}");

    /// <summary>Synchronous, so reports arrive in order on the training thread (unlike <see cref="Progress{T}"/>).</summary>
    private sealed class PlainLines : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (value.CompletedEpoch is { } epoch)
            {
                Console.WriteLine(EpochLine(epoch, value.Epochs));
            }
        }
    }

    private sealed class LiveBar(ProgressTask task) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            task.Value = value.Epoch - 1 + ((double)value.Batch / value.Batches);
            task.Description = string.Create(CultureInfo.InvariantCulture,
                $"Epoch {value.Epoch}/{value.Epochs}  loss {value.Loss:F4}  accuracy {value.Accuracy:F4}");
            if (value.CompletedEpoch is { } epoch)
            {
                AnsiConsole.MarkupLine(Markup.Escape(EpochLine(epoch, value.Epochs)));
            }
        }
    }
}
