using System.Globalization;

namespace BatchNormSharp.Plots;

/// <summary>
/// Equal-width histograms computed exactly as <c>numpy.histogram(values, bins)</c> computes them (NumPy 1.24), so
/// that a picture drawn here and one drawn in a notebook put every value in the same bar.
/// </summary>
/// <remarks>
/// <para>The edges are <c>numpy.linspace(min, max, bins + 1)</c>: <c>edge[i] = i * ((max - min) / bins) + min</c>,
/// with the last edge set to <c>max</c> itself. When every value is equal, the range is widened to
/// <c>min - 0.5 .. max + 0.5</c>, as NumPy does.</para>
/// <para>A value goes in bin <c>floor((value - min) * (bins / (max - min)))</c>, then moves down one bin if it lies
/// below that bin's left edge or up one if it lies on or above its right edge, because the product can be one unit
/// in the last place off near an edge (NumPy's own correction). The last bin is closed: <c>max</c> lands in it.</para>
/// </remarks>
public static class Histogram
{
    /// <summary>Counts <paramref name="values"/> in <paramref name="bins"/> equal-width bins spanning their range.</summary>
    /// <param name="values">The values; at least one, all finite. Not modified.</param>
    /// <param name="bins">The number of bins; 1 or more.</param>
    /// <returns>The edges and counts, equal to <c>numpy.histogram(values, bins)</c>.</returns>
    /// <exception cref="ArgumentException"><paramref name="values"/> is empty or holds NaN or an infinity, or its
    /// range is too wide or too narrow to divide in double precision.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bins"/> is less than 1.</exception>
    public static HistogramBins Compute(ReadOnlySpan<double> values, int bins)
    {
        var (first, last) = Range(values, bins, nameof(values), nameof(bins));
        var edges = new double[bins + 1];
        Edges(first, last, edges);
        var counts = new long[bins];
        Count(values, edges, counts);
        return new HistogramBins(edges, counts);
    }

    /// <summary>Counts <paramref name="values"/> in <paramref name="bins"/> equal-width bins spanning their range.</summary>
    /// <param name="values">The values; at least one, all finite. Not modified.</param>
    /// <param name="bins">The number of bins; 1 or more.</param>
    /// <returns>The edges and counts, equal to <c>numpy.histogram(values, bins)</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="values"/> is empty or holds NaN or an infinity.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bins"/> is less than 1.</exception>
    public static HistogramBins Compute(IReadOnlyList<double> values, int bins)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Compute(PlotGuard.ToArray(values), bins);
    }

    /// <summary>The outer edges NumPy uses: the data's minimum and maximum, widened by 0.5 each way when equal.</summary>
    internal static (double First, double Last) Range(ReadOnlySpan<double> values, int bins, string valuesName,
        string binsName)
    {
        if (bins < 1)
        {
            throw new ArgumentOutOfRangeException(binsName, bins,
                $"A histogram needs 1 or more bins, but got {bins.ToString(CultureInfo.InvariantCulture)}. Pass a bin " +
                "count such as 50.");
        }
        if (values.IsEmpty)
        {
            throw new ArgumentException(
                "A histogram needs at least one value, but got none. Pass the recorded values of the layer.",
                valuesName);
        }
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int i = 0; i < values.Length; i++)
        {
            double value = values[i];
            if (!double.IsFinite(value))
            {
                throw new ArgumentException(
                    $"A histogram needs finite values, but value {i.ToString(CultureInfo.InvariantCulture)} is " +
                    $"{value.ToString(CultureInfo.InvariantCulture)} (NumPy refuses such data too). Remove or " +
                    "replace NaN and infinite values first.", valuesName);
            }
            min = Math.Min(min, value);
            max = Math.Max(max, value);
        }
        if (min == max)
        {
            // NumPy's way to give all-equal data a range to divide.
            min -= 0.5;
            max += 0.5;
        }
        if (!double.IsFinite(max - min) || !double.IsFinite(bins / (max - min)))
        {
            // NumPy fails here too (an overflow, or an index error for a range of a few subnormals).
            throw new ArgumentException(
                $"The values span {min.ToString("R", CultureInfo.InvariantCulture)} to " +
                $"{max.ToString("R", CultureInfo.InvariantCulture)}, a range too wide or too narrow to divide into " +
                $"{bins.ToString(CultureInfo.InvariantCulture)} bins in double precision; rescale the values first.",
                valuesName);
        }
        return (min, max);
    }

    /// <summary>Writes <c>numpy.linspace(first, last, destination.Length)</c> into <paramref name="destination"/>.</summary>
    internal static void Edges(double first, double last, Span<double> destination)
    {
        int divisions = destination.Length - 1;
        double delta = last - first;
        double step = delta / divisions;
        for (int i = 0; i < destination.Length; i++)
        {
            // NumPy's branch for a step that underflows to zero (gh-5437): scale by the division count first.
            destination[i] = step == 0.0 ? (i / (double)divisions * delta) + first : (i * step) + first;
        }
        destination[divisions] = last;
    }

    /// <summary>Adds to <paramref name="counts"/> the number of <paramref name="values"/> in each bin between
    /// <paramref name="edges"/>, which <see cref="Edges"/> wrote from the values' own minimum and maximum.</summary>
    internal static void Count(ReadOnlySpan<double> values, ReadOnlySpan<double> edges, Span<long> counts)
    {
        int bins = counts.Length;
        double first = edges[0];
        double norm = bins / (edges[bins] - first);
        foreach (double value in values)
        {
            int index = (int)((value - first) * norm);
            if (index == bins)
            {
                index--;
            }
            // The product may land one bin off within an ulp of an edge; the edges decide, as in NumPy.
            if (value < edges[index])
            {
                index--;
            }
            if (value >= edges[index + 1] && index != bins - 1)
            {
                index++;
            }
            counts[index]++;
        }
    }
}
