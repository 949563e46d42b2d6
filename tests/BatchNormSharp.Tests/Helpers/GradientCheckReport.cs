using System.Globalization;

namespace BatchNormSharp.Tests;

/// <summary>The comparisons of one gradient check: dL/d(input) first, then each parameter.</summary>
internal sealed class GradientCheckReport(IReadOnlyList<GradientComparison> comparisons)
{
    /// <summary>One entry per checked tensor.</summary>
    public IReadOnlyList<GradientComparison> Comparisons { get; } = comparisons;

    /// <summary>The largest relative error over every checked tensor.</summary>
    public double WorstError => Comparisons.Max(c => c.WorstError);

    /// <summary>The comparison with the largest error.</summary>
    public GradientComparison Worst => Comparisons.MaxBy(c => c.WorstError)!;

    /// <summary>Fails, naming the worst tensor, entry, analytic and numeric value, unless every error is within the tolerance.</summary>
    public void ShouldPass(double tolerance = GradientChecker.Tolerance)
    {
        WorstError.Should().BeLessThanOrEqualTo(tolerance, "the backward pass must match finite differences; {0}", Worst);
    }

    /// <summary>Writes one line per tensor, for the test log.</summary>
    public void WriteTo(ITestOutputHelper output, string title)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{title}: worst relative error {WorstError:E2}"));
        foreach (var comparison in Comparisons)
        {
            output.WriteLine("  " + comparison);
        }
    }
}
