using System.Globalization;

namespace BatchNormSharp;

/// <summary>
/// Windows of a series as a data set: every run of <c>lookBack</c> consecutive values becomes one input sequence
/// <c>[lookBack, 1]</c>, and the value right after it its target. The shape a <see cref="LSTM"/> with one input feature
/// reads, and the targets a <see cref="Dense"/>(H, 1) head predicts.
/// </summary>
/// <remarks>
/// A series of <c>n</c> values gives <c>n - lookBack</c> windows, in the order of the series: window <c>w</c> holds
/// values <c>w … w + lookBack - 1</c> and its target is value <c>w + lookBack</c>. The windows overlap, so split a
/// series into training and test parts <em>before</em> making windows (or take the windows' rows in order, never
/// shuffled across the split), and fit any scaling on the training part only.
/// </remarks>
/// <example>
/// <code>
/// double[] closes = ...;                                  // a daily series, already scaled
/// var data = SeriesWindows.Create(closes, lookBack: 30);  // Inputs [n - 30, 30, 1], Targets [n - 30, 1]
/// </code>
/// </example>
public static class SeriesWindows
{
    /// <summary>Makes the look-back windows of <paramref name="series"/> and their next-value targets.</summary>
    /// <param name="series">The values in time order; every one finite.</param>
    /// <param name="lookBack">The length of each window (at least 1; the seed notebook used 1).</param>
    /// <returns>Inputs <c>[windows, lookBack, 1]</c> and targets <c>[windows, 1]</c>, new tensors.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lookBack"/> is less than 1.</exception>
    /// <exception cref="ArgumentException">The series has no more than <paramref name="lookBack"/> values (no window
    /// with a target), or holds a NaN or infinite value (named by its index).</exception>
    public static WindowedSeries Create(ReadOnlySpan<double> series, int lookBack)
    {
        Guard.Positive(lookBack, nameof(lookBack));
        if (series.Length <= lookBack)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"SeriesWindows expected more than lookBack = {lookBack} values (a window and the value after it), but the series has {series.Length}.") +
                " Use a shorter look-back or a longer series.", nameof(series));
        }
        for (int i = 0; i < series.Length; i++)
        {
            if (!double.IsFinite(series[i]))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"SeriesWindows expected finite values, but value {i} of the series is {series[i]}. Fill or drop the gap first."),
                    nameof(series));
            }
        }
        int windows = series.Length - lookBack;
        var inputs = Tensor.Zeros(windows, lookBack, 1);
        var targets = Tensor.Zeros(windows, 1);
        Span<double> x = inputs.AsSpan(), y = targets.AsSpan();
        for (int w = 0; w < windows; w++)
        {
            series.Slice(w, lookBack).CopyTo(x.Slice(w * lookBack, lookBack));
            y[w] = series[w + lookBack];
        }
        return new WindowedSeries(inputs, targets);
    }
}
