namespace BatchNormSharp.Plots;

/// <summary>The result of <see cref="Histogram.Compute(ReadOnlySpan{double}, int)"/>: <c>bins + 1</c> edges and one count per bin, as
/// <c>numpy.histogram</c> returns them (<c>hist, bin_edges</c>).</summary>
public sealed class HistogramBins
{
    internal HistogramBins(double[] edges, long[] counts)
    {
        // Read-only views: the result cannot be changed through a cast back to an array.
        Edges = Array.AsReadOnly(edges);
        Counts = Array.AsReadOnly(counts);
    }

    /// <summary>The bin edges, ascending: bin <c>i</c> is <c>[Edges[i], Edges[i + 1])</c>, and the last bin also holds
    /// its right edge.</summary>
    public IReadOnlyList<double> Edges { get; }

    /// <summary>How many values fell in each bin.</summary>
    public IReadOnlyList<long> Counts { get; }

    /// <summary>The number of bins.</summary>
    public int BinCount => Counts.Count;
}
