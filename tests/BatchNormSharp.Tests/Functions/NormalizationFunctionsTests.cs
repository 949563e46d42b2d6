namespace BatchNormSharp.Tests.Functions;

/// <summary>
/// Keras's Normalization arithmetic: statistics and outputs against numpy's evaluation of Keras's expressions
/// (<c>Reference/normalization_keras.json</c>, generator beside it), the biased variance, ε as a floor under σ, and a
/// gradient check of the backward pass.
/// </summary>
public sealed class NormalizationFunctionsTests
{
    private const double Eps = NormalizationFunctions.DefaultEpsilon;

    private sealed record KerasFile(double Epsilon, List<KerasCase> Cases);

    private sealed record KerasCase(string Name, int Rows, int Columns, int XRows, double[] Adapt, double[] X,
        double[] Mean, double[] Variance, double[] UnbiasedVariance, double[] Y);

    private static readonly KerasFile Reference = ReferenceFiles.Load<KerasFile>("normalization_keras.json");

    public static TheoryData<string> CaseNames()
    {
        var names = new TheoryData<string>();
        foreach (var c in Reference.Cases)
        {
            names.Add(c.Name);
        }
        return names;
    }

    private static KerasCase Case(string name) => Reference.Cases.Single(c => c.Name == name);

    private static List<double[]> Rows(double[] flat, int columns) =>
        [.. Enumerable.Range(0, flat.Length / columns).Select(i => flat.AsSpan(i * columns, columns).ToArray())];

    [Fact]
    public void DefaultEpsilon_IsKerasBackendEpsilon() =>
        NormalizationFunctions.DefaultEpsilon.Should().Be(Reference.Epsilon).And.Be(1e-7);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Adapt_KerasReference_MeanAndBiasedVarianceWithin1e10(string name)
    {
        var c = Case(name);
        var mean = new double[c.Columns];
        var variance = new double[c.Columns];

        NormalizationFunctions.Adapt(c.Adapt, c.Rows, c.Columns, mean, variance);

        Deviation.OfVector(mean, c.Mean).Should().BeLessThanOrEqualTo(1e-10);
        Deviation.OfVector(variance, c.Variance).Should().BeLessThanOrEqualTo(1e-10);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Forward_KerasStatistics_MatchesKerasOutputWithin1e10(string name)
    {
        var c = Case(name);
        var y = new double[c.X.Length];

        NormalizationFunctions.Forward(c.X, c.XRows, c.Columns, c.Mean, c.Variance, Eps, y);

        Deviation.OfMatrix(Tensor.FromSpan(y, c.XRows, c.Columns), Rows(c.Y, c.Columns))
            .Should().BeLessThanOrEqualTo(1e-10);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void AdaptThenForward_KerasReference_MatchesWithinMeanRounding(string name)
    {
        var c = Case(name);
        var mean = new double[c.Columns];
        var variance = new double[c.Columns];
        var y = new double[c.X.Length];

        NormalizationFunctions.Adapt(c.Adapt, c.Rows, c.Columns, mean, variance);
        NormalizationFunctions.Forward(c.X, c.XRows, c.Columns, mean, variance, Eps, y);

        // numpy sums pairwise, we sum in order: the means differ by a few ulps. Divided by σ that is invisible except
        // where the offset dwarfs the spread (1e6 ± 1e-3: an ulp of 1e6 is 1.2e-10, over σ = 1e-3 about 1e-7).
        double limit = name.StartsWith("offset", StringComparison.Ordinal) ? 1e-6 : 1e-10;
        Deviation.OfMatrix(Tensor.FromSpan(y, c.XRows, c.Columns), Rows(c.Y, c.Columns))
            .Should().BeLessThanOrEqualTo(limit);
    }

    [Fact]
    public void Adapt_TwoRows_IsBiasedVarianceNotUnbiased()
    {
        var mean = new double[1];
        var variance = new double[1];

        NormalizationFunctions.Adapt([1.0, 3.0], 2, 1, mean, variance);

        mean[0].Should().Be(2.0);
        variance[0].Should().Be(1.0, "Keras adapts with np.var (divide by N = 2), not the unbiased 2.0");
        var c = Case("randn_5x_plus_12_7x5");
        c.Variance.Should().NotEqual(c.UnbiasedVariance);
    }

    [Fact]
    public void Adapt_LargeOffsetSmallSpread_TwoPassKeepsVariance()
    {
        // E[x²] - E[x]² would lose every digit here: x² ≈ 1e18 has an ulp of 128, the variance is 1e-6.
        double[] x = [1e6 - 1e-3, 1e6 + 1e-3, 1e6 - 1e-3, 1e6 + 1e-3];
        var mean = new double[1];
        var variance = new double[1];

        NormalizationFunctions.Adapt(x, 4, 1, mean, variance);

        // 1e6 ± 1e-3 is stored to an ulp of 1.2e-10, so the exact variance of the stored values is 1e-6 to about 1e-7
        // relative; the one-pass formula would be off by orders of magnitude (or negative).
        variance[0].Should().BeApproximately(1e-6, 1e-12);
    }

    [Fact]
    public void Forward_ConstantColumn_DividesByEpsilonFloor()
    {
        double[] mean = [4.0];
        double[] variance = [0.0];
        var y = new double[2];

        NormalizationFunctions.Forward([4.0, 4.5], 2, 1, mean, variance, Eps, y);

        y[0].Should().Be(0.0);
        y[1].Should().Be(0.5 / 1e-7);
    }

    [Fact]
    public void Forward_SmallVariance_EpsilonIsFloorUnderSigmaNotInsideRoot()
    {
        // σ = 1e-6 is above the floor: Keras divides by exactly 1e-6, where BatchNorm's √(var + ε) would give ≈ 3.2e-4.
        double[] variance = [1e-12, 1e-16];
        var y = new double[2];

        NormalizationFunctions.Forward([1.0, 1.0], 1, 2, [0.0, 0.0], variance, Eps, y);

        y[0].Should().Be(1.0 / 1e-6);
        y[1].Should().Be(1.0 / 1e-7, "σ = 1e-8 is below the floor 1e-7");
    }

    [Fact]
    public void Invert_AfterForward_GivesInputBack()
    {
        var c = Case("penguin_like_scales_33x4");
        var y = new double[c.X.Length];
        var back = new double[c.X.Length];

        NormalizationFunctions.Forward(c.X, c.XRows, c.Columns, c.Mean, c.Variance, Eps, y);
        NormalizationFunctions.Invert(y, c.XRows, c.Columns, c.Mean, c.Variance, Eps, back);

        for (int k = 0; k < back.Length; k++)
        {
            back[k].Should().BeApproximately(c.X[k], 1e-12 * Math.Abs(c.X[k]));
        }
    }

    [Fact]
    public void Scale_Variances_AreSqrtWithFloor()
    {
        var scale = new double[3];

        NormalizationFunctions.Scale([4.0, 0.0, 1e-20], Eps, scale);

        scale.Should().Equal(2.0, 1e-7, 1e-7);
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(4, 5)]
    [InlineData(7, 5)]
    public void Backward_RandomUpstream_MatchesCentredDifferences(int rows, int columns)
    {
        var random = new Random(rows * 31 + columns);
        double[] x = Normal(random, rows * columns, 5, 12);
        double[] g = Normal(random, rows * columns, 1, 0);
        var mean = new double[columns];
        var variance = new double[columns];
        NormalizationFunctions.Adapt(Normal(random, 9 * columns, 5, 12), 9, columns, mean, variance);
        var dx = new double[x.Length];

        NormalizationFunctions.Backward(g, rows, columns, variance, Eps, dx);

        // Objective L = Σ g ⊙ Forward(x); centred differences in each input.
        double Loss(double[] input)
        {
            var y = new double[input.Length];
            NormalizationFunctions.Forward(input, rows, columns, mean, variance, Eps, y);
            double sum = 0;
            for (int k = 0; k < y.Length; k++)
            {
                sum += g[k] * y[k];
            }
            return sum;
        }
        const double h = 1e-5;
        double worst = 0;
        for (int k = 0; k < x.Length; k++)
        {
            double keep = x[k];
            x[k] = keep + h;
            double plus = Loss(x);
            x[k] = keep - h;
            double minus = Loss(x);
            x[k] = keep;
            double numeric = (plus - minus) / (2 * h);
            worst = Math.Max(worst, Math.Abs(dx[k] - numeric) / Math.Max(1e-8, Math.Abs(dx[k]) + Math.Abs(numeric)));
        }
        worst.Should().BeLessThanOrEqualTo(1e-7);
    }

    [Fact]
    public void Adapt_NaNInColumn_FirstNonFiniteColumnNamesIt()
    {
        double[] x = [1, 2, 3, 4, 5, double.NaN, 7, 8, 9];
        var mean = new double[3];
        var variance = new double[3];

        NormalizationFunctions.Adapt(x, 3, 3, mean, variance);

        NormalizationFunctions.FirstNonFiniteColumn(mean, variance).Should().Be(2);
        NormalizationFunctions.FirstNonFiniteColumn([1.0, 2.0], [1.0, 1.0]).Should().Be(-1);
    }

    [Fact]
    public void Forward_WrongSpanLengths_ThrowsAndWritesNothing()
    {
        var y = new double[4];
        y.AsSpan().Fill(-7);

        var shortMean = () => NormalizationFunctions.Forward([1, 2, 3, 4], 2, 2, [0.0], [1.0, 1.0], Eps, y);
        var badRows = () => NormalizationFunctions.Forward([1, 2, 3, 4], 3, 2, [0.0, 0.0], [1.0, 1.0], Eps, y);
        var badEps = () => NormalizationFunctions.Forward([1, 2, 3, 4], 2, 2, [0.0, 0.0], [1.0, 1.0], 0.0, y);
        var noRows = () => NormalizationFunctions.Adapt([], 0, 2, new double[2], new double[2]);

        shortMean.Should().Throw<ArgumentException>().WithMessage("*mean*2 values*");
        badRows.Should().Throw<ArgumentException>().WithMessage("*rows = 3*");
        badEps.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*positive, finite epsilon*");
        noRows.Should().Throw<ArgumentException>().WithMessage("*at least one row*");
        y.Should().AllSatisfy(v => v.Should().Be(-7));
    }

    private static double[] Normal(Random random, int count, double scale, double offset)
    {
        var values = new double[count];
        for (int k = 0; k < count; k++)
        {
            // Box–Muller: a fixed recipe, so a seed gives the same numbers everywhere.
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            values[k] = offset + (scale * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        return values;
    }
}
