using System.Globalization;

namespace BatchNormSharp.Tests;

/// <summary>
/// Collects the <see cref="Deviation"/> of every quantity of one reference case, prints them, and fails naming
/// every quantity beyond the limit, so that one run shows the whole picture.
/// </summary>
internal sealed class DeviationTable(string caseName)
{
    /// <summary>The limit of the PyTorch comparisons.</summary>
    public const double Limit = 1e-10;

    private readonly List<(string Quantity, double Deviation)> _rows = [];

    /// <summary>The largest deviation recorded.</summary>
    public double Worst => _rows.Count == 0 ? 0.0 : _rows.Max(r => r.Deviation);

    /// <summary>The number of quantities compared.</summary>
    public int Count => _rows.Count;

    public void Add(string quantity, double deviation) => _rows.Add((quantity, deviation));

    public void WriteTo(ITestOutputHelper output)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{caseName}: worst deviation {Worst:E2} over {Count} quantities"));
        foreach (var (quantity, deviation) in _rows)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {quantity,-22} {deviation:E2}"));
        }
    }

    public void ShouldAllBeWithin(double limit = Limit)
    {
        var beyond = _rows.Where(r => !(r.Deviation <= limit))
            .Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Quantity} {r.Deviation:E2}"))
            .ToList();
        beyond.Should().BeEmpty("every quantity of {0} must match PyTorch within {1:E0}", caseName, limit);
    }
}
