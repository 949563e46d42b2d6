namespace BatchNormSharp.Tests;

public class DenseTests(ITestOutputHelper output)
{
    public static TheoryData<int, int> Shapes => GradientShapes.All();

    [Fact]
    public void Forward_SmallBatch_ComputesXTimesWPlusB()
    {
        var layer = new Dense(2, 3, seed: 1);
        TestData.Set(layer.Weight.Value, 1, 2, 3, 4, 5, 6); // W[in][out] = [[1, 2, 3], [4, 5, 6]]
        TestData.Set(layer.Bias.Value, 0.5, -0.5, 1);
        var input = Tensor.FromArray(new double[,] { { 1, 1 }, { 2, -1 } });

        var y = layer.Forward(input, ForwardMode.Training);

        y.To2DArray().Should().BeEquivalentTo(new double[,] { { 5.5, 6.5, 10 }, { -1.5, -1.5, 1 } });
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Backward_RandomUpstream_MatchesFiniteDifferences(int rows, int inFeatures)
    {
        var layer = new Dense(inFeatures, 3, seed: 10 + inFeatures);
        var input = TestData.Normal(rows, inFeatures, seed: 20 + rows, mean: 12, spread: 5);

        var report = GradientChecker.CheckLayer(layer, input, ForwardMode.Training, upstreamSeed: 30 + rows);

        report.WriteTo(output, $"Dense N={rows} in={inFeatures} out=3");
        report.Comparisons.Select(c => c.Name).Should().Equal("input", "weight", "bias");
        report.ShouldPass();
    }

    [Fact]
    public void Backward_CalledTwice_AccumulatesParameterGradients()
    {
        var layer = new Dense(3, 2, seed: 2);
        var input = TestData.Normal(4, 3, seed: 3);
        var dy = TestData.Normal(4, 2, seed: 4);
        layer.Forward(input, ForwardMode.Training);
        layer.Backward(dy);
        var once = layer.Weight.Gradient.ToArray();

        layer.Forward(input, ForwardMode.Training);
        layer.Backward(dy);

        layer.Weight.Gradient.ToArray().Should().Equal(once.Select(g => 2 * g));
    }

    [Fact]
    public void Constructor_KaimingUniform_DrawsWeightAndBiasFromPlusMinusOneOverSqrtIn()
    {
        var layer = new Dense(100, 50, seed: 5);
        double bound = 1.0 / Math.Sqrt(100);

        var weights = layer.Weight.Value.ToArray();
        var biases = layer.Bias.Value.ToArray();

        weights.Should().OnlyContain(w => Math.Abs(w) <= bound);
        weights.Max(Math.Abs).Should().BeGreaterThan(0.99 * bound, "the draws must fill the whole interval");
        StandardDeviation(weights).Should().BeApproximately(bound / Math.Sqrt(3), 0.03 * bound, "U(-a, a) has σ = a/√3");
        biases.Should().OnlyContain(b => Math.Abs(b) <= bound);
        biases.Max(Math.Abs).Should().BeGreaterThan(0.8 * bound);
    }

    [Fact]
    public void Constructor_XavierUniform_DrawsWeightFromGlorotBoundAndZeroBias()
    {
        var layer = new Dense(100, 50, seed: 6, WeightInit.XavierUniform);
        double bound = Math.Sqrt(6.0 / (100 + 50));

        var weights = layer.Weight.Value.ToArray();

        weights.Should().OnlyContain(w => Math.Abs(w) <= bound);
        weights.Max(Math.Abs).Should().BeGreaterThan(0.99 * bound);
        StandardDeviation(weights).Should().BeApproximately(bound / Math.Sqrt(3), 0.03 * bound);
        layer.Bias.Value.ToArray().Should().OnlyContain(b => b == 0.0);
    }

    [Theory]
    [InlineData(WeightInit.KaimingUniform)]
    [InlineData(WeightInit.XavierUniform)]
    public void Constructor_SameSeed_GivesBitIdenticalWeights(WeightInit init)
    {
        var first = new Dense(7, 5, seed: 42, init);
        var second = new Dense(7, 5, seed: 42, init);
        var fromRandom = new Dense(7, 5, new Random(42), init);

        StateSnapshot.Of(first).FirstDifference().Should().BeNull();
        Bits(second).Should().Equal(Bits(first));
        Bits(fromRandom).Should().Equal(Bits(first), "a seed and new Random(seed) are the same source");
    }

    [Fact]
    public void Constructor_DifferentSeeds_GiveDifferentWeights()
    {
        var first = new Dense(7, 5, seed: 42);
        var second = new Dense(7, 5, seed: 43);

        Bits(second).Should().NotEqual(Bits(first));
    }

    [Theory]
    [InlineData(0, 3, "inFeatures")]
    [InlineData(-2, 3, "inFeatures")]
    [InlineData(3, 0, "outFeatures")]
    public void Constructor_NonPositiveFeatureCount_ThrowsNamingParameterAndValue(int inFeatures, int outFeatures, string name)
    {
        var act = () => new Dense(inFeatures, outFeatures, seed: 1);

        int actual = Math.Min(inFeatures, outFeatures);
        act.Should().Throw<ArgumentOutOfRangeException>()
            .WithMessage($"*{name} must be at least 1, but was {actual}*")
            .Which.ParamName.Should().Be(name);
    }

    [Theory]
    [InlineData(4, 6, "[4, 6]")]
    [InlineData(4, 1, "[4, 1]")]
    public void Forward_WrongFeatureCount_ThrowsNamingExpectedAndActualAndChangesNothing(int rows, int columns, string actual)
    {
        var layer = UsedLayer();
        var before = StateSnapshot.Of(layer);

        var act = () => layer.Forward(Tensor.Zeros(rows, columns), ForwardMode.Training);

        act.Should().Throw<ArgumentException>().WithMessage($"*[batch, 5]*{actual}*").Which.ParamName.Should().Be("input");
        before.ShouldBeUnchanged();
    }

    [Fact]
    public void Forward_VectorInsteadOfBatch_ThrowsNamingExpectedAndActual()
    {
        var layer = UsedLayer();
        var before = StateSnapshot.Of(layer);

        var act = () => layer.Forward(Tensor.Zeros(5), ForwardMode.Inference);

        act.Should().Throw<ArgumentException>().WithMessage("*[batch, 5]*got [5]*");
        before.ShouldBeUnchanged();
    }

    [Fact]
    public void Forward_EmptyBatch_Throws()
    {
        var layer = UsedLayer();
        var before = StateSnapshot.Of(layer);

        var act = () => layer.Forward(Tensor.Zeros(0, 5), ForwardMode.Training);

        act.Should().Throw<ArgumentException>().WithMessage("*at least one row*[0, 5]*");
        before.ShouldBeUnchanged();
    }

    [Fact]
    public void Backward_WrongGradientShape_ThrowsNamingExpectedAndActualAndKeepsTheForwardPass()
    {
        var layer = UsedLayer();
        layer.Forward(TestData.Normal(4, 5, seed: 7), ForwardMode.Training);
        var before = StateSnapshot.Of(layer);

        var act = () => layer.Backward(Tensor.Zeros(4, 2));

        act.Should().Throw<ArgumentException>().WithMessage("*[4, 3]*[4, 2]*").Which.ParamName.Should().Be("outputGradient");
        before.ShouldBeUnchanged();
        layer.Invoking(l => l.Backward(Tensor.Zeros(4, 3))).Should().NotThrow("the rejected call spent nothing");
    }

    [Fact]
    public void Backward_BeforeAnyForward_ThrowsSayingWhatToDo()
    {
        var layer = new Dense(5, 3, seed: 1);

        var act = () => layer.Backward(Tensor.Zeros(4, 3));

        act.Should().Throw<InvalidOperationException>().WithMessage("*Dense.Backward*call Forward(input, mode)*first*");
    }

    [Fact]
    public void Backward_TwiceAfterOneForward_ThrowsAndChangesNothing()
    {
        var layer = UsedLayer();
        layer.Forward(TestData.Normal(4, 5, seed: 7), ForwardMode.Training);
        layer.Backward(TestData.Normal(4, 3, seed: 8));
        var before = StateSnapshot.Of(layer);

        var act = () => layer.Backward(TestData.Normal(4, 3, seed: 8));

        act.Should().Throw<InvalidOperationException>();
        before.ShouldBeUnchanged();
    }

    /// <summary>A layer with non-zero gradients, so that "unchanged" covers more than zeros.</summary>
    private static Dense UsedLayer()
    {
        var layer = new Dense(5, 3, seed: 1);
        layer.Forward(TestData.Normal(4, 5, seed: 2), ForwardMode.Training);
        layer.Backward(TestData.Normal(4, 3, seed: 3));
        return layer;
    }

    private static long[] Bits(Dense layer) =>
        [.. layer.Parameters.SelectMany(p => p.Value.ToArray()).Select(BitConverter.DoubleToInt64Bits)];

    private static double StandardDeviation(double[] values)
    {
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Length);
    }

    [Fact]
    public void Forward_ItsOwnOutputAsInput_ThrowsInsteadOfOverwritingWhatItReads()
    {
        var layer = new Dense(4, 4, seed: 33);
        var output = layer.Forward(TestData.Normal(3, 4, seed: 34), ForwardMode.Training);
        var kept = output.Clone();

        var act = () => layer.Forward(output, ForwardMode.Training);

        act.Should().Throw<ArgumentException>().WithMessage("Dense expected an input other than a tensor it*returned*");
        output.AsReadOnlySpan().ToArray().Should().Equal(kept.AsReadOnlySpan().ToArray());
    }
}
