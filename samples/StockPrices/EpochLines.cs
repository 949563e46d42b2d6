using System.Globalization;
using BatchNormSharp;

namespace StockPrices;

/// <summary>Prints the seed notebook's line for every finished epoch: <c>Epoch 11/100 - Loss: 0.0012, Val Loss: 0.0015</c>.</summary>
/// <remarks>Synchronous, so lines arrive in order on the training thread (unlike <see cref="Progress{T}"/>).</remarks>
internal sealed class EpochLines : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value)
    {
        if (value.CompletedEpoch is { } epoch)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Epoch {epoch.Epoch}/{value.Epochs} - Loss: {epoch.TrainingLoss:F4}, Val Loss: {epoch.ValidationLoss:F4}"));
        }
    }
}
