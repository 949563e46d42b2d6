namespace BatchNormSharp;

/// <summary>
/// Conversions between the batch-first layout of the recurrent layers' inputs and outputs (<c>[batch, time, F]</c>,
/// torch's <c>batch_first=True</c>) and the time-major layout they compute in (<c>[time, batch, F]</c>, where each time
/// step's rows are contiguous).
/// </summary>
internal static class SequenceLayout
{
    /// <summary><c>[batch, time, F]</c> → <c>[time, batch, F]</c>.</summary>
    /// <param name="source">The batch-first values.</param>
    /// <param name="batch">The number of sequences.</param>
    /// <param name="time">The number of time steps.</param>
    /// <param name="features">F.</param>
    /// <param name="destination">The time-major values, written.</param>
    public static void ToTimeMajor(ReadOnlySpan<double> source, int batch, int time, int features, Span<double> destination)
    {
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < time; t++)
            {
                source.Slice((b * time + t) * features, features).CopyTo(destination.Slice((t * batch + b) * features, features));
            }
        }
    }

    /// <summary><c>[time, batch, F]</c> → <c>[batch, time, F]</c>.</summary>
    /// <param name="source">The time-major values.</param>
    /// <param name="batch">The number of sequences.</param>
    /// <param name="time">The number of time steps.</param>
    /// <param name="features">F.</param>
    /// <param name="destination">The batch-first values, written.</param>
    public static void ToBatchFirst(ReadOnlySpan<double> source, int batch, int time, int features, Span<double> destination)
    {
        for (int t = 0; t < time; t++)
        {
            for (int b = 0; b < batch; b++)
            {
                source.Slice((t * batch + b) * features, features).CopyTo(destination.Slice((b * time + t) * features, features));
            }
        }
    }
}
