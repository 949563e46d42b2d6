namespace BatchNormSharp.Tests;

/// <summary>
/// Every loss's backward pass against centred differences of <c>s · loss(x, t)</c>, with a random scale <c>s</c> (the
/// upstream gradient of a scalar), N = 2, 4, 7 and several widths, fixed seeds.
/// </summary>
public class LossGradientTests(ITestOutputHelper output)
{
    public static TheoryData<string, int, int> Cases()
    {
        var data = new TheoryData<string, int, int>();
        foreach (int rows in GradientShapes.Rows)
        {
            data.Add("cross_entropy", rows, 2);
            data.Add("cross_entropy", rows, 5);
            data.Add("bce", rows, 1);
            data.Add("bce_pos_weight", rows, 1);
            data.Add("bce_pos_weight", rows, 3);
            data.Add("mse", rows, 1);
            data.Add("mse", rows, 5);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_RandomUpstreamScale_MatchesFiniteDifferences(string kind, int rows, int columns)
    {
        int seed = (rows * 31) + columns;
        var random = new Random(seed);
        double scale = (4 * random.NextDouble()) - 2;
        // Logits of spread 3 around 1 (so that the sigmoid is not saturated everywhere), values 5·randn + 12.
        var (loss, predictions, targets) = kind switch
        {
            "cross_entropy" => ((ILoss)new SoftmaxCrossEntropy(),
                TestData.Normal(rows, columns, seed, mean: 1, spread: 3),
                Tensor.FromArray([.. TestData.Labels(rows, columns, seed + 1).Select(l => (double)l)])),
            "bce" => (new BinaryCrossEntropyWithLogits(), TestData.Normal(rows, columns, seed, mean: 1, spread: 3),
                ZeroOne(rows, columns, random)),
            "bce_pos_weight" => (new BinaryCrossEntropyWithLogits(posWeight: 2.5),
                TestData.Normal(rows, columns, seed, mean: 1, spread: 3), ZeroOne(rows, columns, random)),
            _ => (new MeanSquaredError(), TestData.Normal(rows, columns, seed, mean: 12, spread: 5),
                TestData.Normal(rows, columns, seed + 1, mean: 11, spread: 5)),
        };

        var report = GradientChecker.Check(new LossObjective(loss, targets, scale), predictions);

        report.WriteTo(output, $"{kind} N={rows} D={columns} s={scale:F3}");
        report.ShouldPass();
    }

    [Fact]
    public void BinaryCrossEntropy_LogitsOfPlusMinus800_GiveFiniteExactLossAndGradient()
    {
        var loss = new BinaryCrossEntropyWithLogits();
        var logits = Tensor.FromArray(new double[,] { { 800 }, { -800 }, { 800 }, { -800 } });

        double value = loss.Forward(logits, Tensor.FromArray([1.0, 0.0, 0.0, 1.0]));
        var gradient = loss.Backward();

        // Right with certainty: loss 0, gradient 0; wrong with certainty: loss 800 each, gradient ±1/4.
        value.Should().Be((0 + 0 + 800 + 800) / 4.0);
        gradient.ToArray().Should().Equal(0.0, 0.0, 0.25, -0.25);
    }

    private static Tensor ZeroOne(int rows, int columns, Random random)
    {
        var targets = Tensor.Zeros(rows, columns);
        foreach (ref double t in targets.AsSpan())
        {
            t = random.Next(2);
        }
        return targets;
    }
}
