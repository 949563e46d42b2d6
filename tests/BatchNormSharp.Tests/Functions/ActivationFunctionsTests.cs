namespace BatchNormSharp.Tests.Functions;

public class ActivationFunctionsTests(ITestOutputHelper output)
{
    public static TheoryData<string, int, int> Cases()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var (rows, columns) in new[] { (2, 1), (4, 5), (7, 5) })
        {
            data.Add("sigmoid", rows, columns);
            data.Add("tanh", rows, columns);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_FromTheOutput_MatchesFiniteDifferences(string kind, int rows, int columns)
    {
        // Spread 3 around 0.5: both saturated and linear regions, random upstream gradient.
        var input = TestData.Normal(rows, columns, seed: rows + (10 * columns), mean: 0.5, spread: 3);
        var upstream = TestData.Normal(rows, columns, seed: 99 + rows, mean: 0, spread: 1);

        var report = GradientChecker.Check(new ActivationObjective(kind == "tanh", upstream), input);

        report.WriteTo(output, $"{kind} {rows}x{columns}");
        report.ShouldPass();
    }

    [Fact]
    public void Sigmoid_LargeMagnitudes_StaysFiniteAndKeepsTinyValuesRelative()
    {
        double[] x = [-800, -30, 0, 30, 800, -745];
        var y = new double[x.Length];

        ActivationFunctions.Sigmoid(x, y);

        y.Should().OnlyContain(v => double.IsFinite(v) && v >= 0 && v <= 1);
        y[0].Should().Be(0.0); // e^-800 underflows; no 1 / (1 + ∞) = NaN-prone path
        y[1].Should().BeApproximately(Math.Exp(-30) / (1 + Math.Exp(-30)), 1e-16 * Math.Exp(-30));
        y[2].Should().Be(0.5);
        y[4].Should().Be(1.0);
        y[5].Should().BePositive("e^-745 is the smallest subnormal range, kept rather than rounded through 1 + e^745");
    }

    [Theory]
    [InlineData(-800)]
    [InlineData(-745)]
    [InlineData(-30)]
    [InlineData(-1e-3)]
    [InlineData(0)]
    [InlineData(30)]
    [InlineData(800)]
    public void Sigmoid_VectorLanesAndScalarTail_AgreeWithinTwoUlp(double value)
    {
        // Nine copies: the first eight go through the vector loop (two 4-lane vectors where Vector256 is accelerated),
        // the last through the scalar one.
        double[] x = Enumerable.Repeat(value, 9).ToArray();
        var y = new double[x.Length];

        ActivationFunctions.Sigmoid(x, y);

        double scalar = y[^1], ulp = Math.BitIncrement(Math.Abs(scalar)) - Math.Abs(scalar);
        y.Should().OnlyContain(v => Math.Abs(v - scalar) <= 2 * ulp,
            "each lane computes the scalar formula with an exponential within 2 ulp");
        if (value == -745)
        {
            y.Should().OnlyContain(v => v > 0, "e^-745 is subnormal, not zero, in every lane");
        }
    }

    [Fact]
    public void Tanh_LargeMagnitudes_SaturatesAtPlusMinusOneWithZeroGradient()
    {
        double[] x = [-800, 800];
        var y = new double[2];
        var dx = new double[2];

        ActivationFunctions.Tanh(x, y);
        ActivationFunctions.TanhBackward(y, [3.0, 3.0], dx);

        y.Should().Equal(-1.0, 1.0);
        dx.Should().Equal(0.0, 0.0);
    }

    [Fact]
    public void SigmoidBackward_KnownOutput_IsDyTimesYTimesOneMinusY()
    {
        var dx = new double[2];

        ActivationFunctions.SigmoidBackward([0.25, 0.5], [2.0, -1.0], dx);

        dx.Should().Equal(2.0 * 0.25 * 0.75, -0.25);
    }

    [Fact]
    public void Sigmoid_SpansOfDifferentLengths_Throws()
    {
        var act = () => ActivationFunctions.Sigmoid(new double[3], new double[2]);

        act.Should().Throw<ArgumentException>();
    }

    /// <summary><c>L = Σ f(x) ⊙ g</c> for sigmoid or tanh, differentiated by the span functions from the output.</summary>
    private sealed class ActivationObjective(bool tanh, Tensor upstream) : IObjective
    {
        public IReadOnlyList<(string Name, Parameter Parameter)> Parameters { get; } = [];

        public IReadOnlyList<StateBuffer> Buffers { get; } = [];

        public ObjectiveValue Evaluate(Tensor input)
        {
            var y = Apply(input);
            double value = 0, magnitude = 0;
            for (int i = 0; i < y.Length; i++)
            {
                double term = y[i] * upstream.AsReadOnlySpan()[i];
                value += term;
                magnitude += Math.Abs(term);
            }
            return new ObjectiveValue(value, magnitude);
        }

        public Tensor Differentiate(Tensor input)
        {
            var y = Apply(input);
            var dx = Tensor.Zeros(input.Shape.ToArray());
            if (tanh)
            {
                ActivationFunctions.TanhBackward(y, upstream.AsReadOnlySpan(), dx.AsSpan());
            }
            else
            {
                ActivationFunctions.SigmoidBackward(y, upstream.AsReadOnlySpan(), dx.AsSpan());
            }
            return dx;
        }

        private double[] Apply(Tensor input)
        {
            var y = new double[input.Length];
            if (tanh)
            {
                ActivationFunctions.Tanh(input.AsReadOnlySpan(), y);
            }
            else
            {
                ActivationFunctions.Sigmoid(input.AsReadOnlySpan(), y);
            }
            return y;
        }
    }
}
