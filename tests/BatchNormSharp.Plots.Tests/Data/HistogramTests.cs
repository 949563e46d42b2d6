using System.Text.Json;

namespace BatchNormSharp.Plots.Tests.Data;

public sealed class HistogramTests(ITestOutputHelper output)
{
    private sealed record ReferenceCase(string Name, int Bins, double[] Values, double[] Edges, long[] Counts);

    private static readonly Lazy<ReferenceCase[]> Cases = new(() =>
    {
        using var document = JsonDocument.Parse(File.ReadAllText(
            Path.Combine(AppContext.BaseDirectory, "Reference", "histogram_vectors.json")));
        return [.. document.RootElement.GetProperty("cases").EnumerateArray().Select(c => new ReferenceCase(
            c.GetProperty("name").GetString()!,
            c.GetProperty("bins").GetInt32(),
            [.. c.GetProperty("values").EnumerateArray().Select(v => v.GetDouble())],
            [.. c.GetProperty("edges").EnumerateArray().Select(v => v.GetDouble())],
            [.. c.GetProperty("counts").EnumerateArray().Select(v => v.GetInt64())]))];
    });

    public static TheoryData<string> CaseNames()
    {
        var names = new TheoryData<string>();
        foreach (var referenceCase in Cases.Value)
        {
            names.Add(referenceCase.Name);
        }
        return names;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Compute_NumpyReferenceCase_EqualsNumpyHistogram(string name)
    {
        var reference = Cases.Value.Single(c => c.Name == name);

        var bins = Histogram.Compute(reference.Values, reference.Bins);

        bins.Counts.Should().Equal(reference.Counts, $"the counts of '{name}' should be numpy's");
        double worst = WorstEdgeDeviation(bins.Edges, reference.Edges, out int worstIndex);
        output.WriteLine($"{name}: {reference.Bins} bins, {reference.Values.Length} values, worst edge deviation " +
                         $"{worst:G3} at edge {worstIndex}");
        worst.Should().Be(0.0, "the edges are numpy.linspace's, computed in the same order");
    }

    [Fact]
    public void Compute_AllReferenceCases_WorstDeviationIsZero()
    {
        double worst = 0;
        long countDifferences = 0;
        foreach (var reference in Cases.Value)
        {
            var bins = Histogram.Compute(reference.Values, reference.Bins);
            worst = Math.Max(worst, WorstEdgeDeviation(bins.Edges, reference.Edges, out _));
            countDifferences += bins.Counts.Zip(reference.Counts, (a, b) => Math.Abs(a - b)).Sum();
        }

        output.WriteLine($"{Cases.Value.Length} numpy cases: worst relative edge deviation {worst:G3}, " +
                         $"{countDifferences} values binned differently");
        worst.Should().Be(0.0);
        countDifferences.Should().Be(0);
    }

    [Fact]
    public void Compute_AllEqualValues_WidensRangeByHalfEachWay()
    {
        var bins = Histogram.Compute(new double[] { 4.0, 4.0, 4.0 }, 2);

        bins.Edges.Should().Equal(3.5, 4.0, 4.5);
        bins.Counts.Should().Equal(0, 3);
    }

    [Fact]
    public void Compute_MaximumValue_LandsInClosedLastBin()
    {
        var bins = Histogram.Compute(new double[] { 0.0, 1.0, 2.0 }, 2);

        bins.Counts.Should().Equal(1, 2);
    }

    [Fact]
    public void Compute_ZeroBins_ThrowsArgumentOutOfRange()
    {
        var act = () => Histogram.Compute(new double[] { 1.0, 2.0 }, 0);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("bins").WithMessage("*1 or more bins*");
    }

    [Fact]
    public void Compute_EmptyValues_ThrowsArgumentException()
    {
        var act = () => Histogram.Compute(Array.Empty<double>(), 10);

        act.Should().Throw<ArgumentException>().WithParameterName("values").WithMessage("*at least one value*");
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Compute_NonFiniteValue_ThrowsArgumentException(double bad)
    {
        var act = () => Histogram.Compute(new[] { 1.0, bad, 2.0 }, 10);

        act.Should().Throw<ArgumentException>().WithMessage("*value 1 is*finite*");
    }

    [Fact]
    public void Compute_RangeOfSubnormals_ThrowsArgumentException()
    {
        // NumPy fails on this data with an IndexError; here it is a clear argument error.
        var act = () => Histogram.Compute(new[] { 0.0, 5e-324, 1e-323, 2e-323 }, 3);

        act.Should().Throw<ArgumentException>().WithMessage("*too wide or too narrow*");
    }

    [Fact]
    public void Compute_Result_CannotBeChangedThroughACast()
    {
        var bins = Histogram.Compute(new double[] { 1.0, 2.0, 3.0 }, 2);

        bins.Edges.Should().NotBeAssignableTo<double[]>();
        bins.Counts.Should().NotBeAssignableTo<long[]>();
    }

    [Fact]
    public void Compute_Values_DoesNotModifyThem()
    {
        double[] values = [3.0, -1.0, 2.5, 2.5, 9.0];
        double[] copy = [.. values];

        Histogram.Compute(values, 3);
        Histogram.Compute((IReadOnlyList<double>)values, 3);

        values.Should().Equal(copy);
    }

    private static double WorstEdgeDeviation(IReadOnlyList<double> actual, double[] expected, out int worstIndex)
    {
        actual.Should().HaveCount(expected.Length);
        double worst = 0;
        worstIndex = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double deviation = Math.Abs(actual[i] - expected[i]) / Math.Max(1e-300, Math.Abs(expected[i]));
            if (deviation > worst || worstIndex < 0)
            {
                worst = Math.Max(worst, deviation);
                worstIndex = i;
            }
        }
        return worst;
    }
}
