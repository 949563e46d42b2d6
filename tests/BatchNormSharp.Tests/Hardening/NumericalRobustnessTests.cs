using BatchNormSharp.Tests.Helpers;

namespace BatchNormSharp.Tests.Hardening;

/// <summary>
/// Inputs at the edge of double precision: features with a mean of 1e6 and a spread of 1e-3 normalise like PyTorch
/// (within PyTorch's own rounding there), a constant feature gives finite outputs and gradients, and huge logits give
/// a finite loss and gradient.
/// </summary>
/// <remarks>
/// <para>At an offset μ and a normalising scale <c>1/√(σ² + ε)</c>, one unit in the last place of μ is
/// <c>A = 2^-52 · |μ| / √(σ² + ε)</c> in x̂ (6.7e-8 here with the default ε, 2.2e-7 with ε = 1e-12). PyTorch computes
/// <c>y = x · α + (β - μ · α)</c> with <c>α = γ / √(σ² + ε)</c>: both terms are about <c>|μ · α|</c>, and rounding
/// them costs up to <c>A · |γ|</c> in y. A mean that differs by one unit in the last place (another summation order)
/// costs as much again. So <c>y</c> may differ from PyTorch by <c>2 · A · |γ|</c>; measured: 0.42 of
/// <c>A · |γ|</c>. dx and dγ are computed from <c>x - μ</c>, exact here, in both libraries and agree to 1e-15.</para>
/// <para>Reference files: <c>Reference/robustness_*.json</c>, written by <c>Reference/gen_robustness.py</c>.</para>
/// </remarks>
public class NumericalRobustnessTests
{
    private const double Offset = 1e6;
    private static readonly double Epsilon = Math.Pow(2, -52);

    public static TheoryData<string> OffsetCases =>
    [
        "robustness_offset_1e6_spread_1e-3.json", "robustness_offset_1e6_spread_1e-3_eps_1e-12.json",
    ];

    [Theory]
    [MemberData(nameof(OffsetCases))]
    public void Forward_Offset1e6Spread1e3_MatchesPyTorchWithinItsRoundingAtThatOffset(string fileName)
    {
        var reference = ReferenceFiles.Load<BatchNormCase>(fileName);
        var layer = new BatchNorm(reference.D, reference.Eps, reference.Momentum);
        TestData.Set(layer.Weight!.Value, reference.Gamma!);
        TestData.Set(layer.Bias!.Value, reference.Beta!);
        double[] a = OneUlpOfTheOffsetInXhat(reference.X, reference.Eps);

        var y = layer.Forward(Tensor.FromRows(reference.X), ForwardMode.Training).Clone();
        var dx = layer.Backward(Tensor.FromRows(reference.Dy));

        for (int j = 0; j < reference.D; j++)
        {
            double gamma = Math.Abs(reference.Gamma![j]);
            WorstDifference(Column(y, j), Column(reference.YTrain, j)).Should().BeLessThanOrEqualTo(2 * a[j] * gamma,
                "y may differ by PyTorch's rounding of x·α and of β - μ·α (feature {0})", j);
            double dxScale = Column(reference.Dx, j).Max(Math.Abs);
            WorstDifference(Column(dx, j), Column(reference.Dx, j)).Should().BeLessThanOrEqualTo(2 * a[j] * dxScale);
            layer.Weight.Gradient[j].Should().BeApproximately(reference.Dgamma![j], 2 * a[j] * Math.Abs(reference.Dgamma[j]));
            layer.Bias.Gradient[j].Should().BeApproximately(reference.Dbeta![j], 1e-14 * Math.Abs(reference.Dbeta[j]));
            layer.RunningMean![j].Should().BeApproximately(reference.RunningMeanOut![j], 1e-14 * reference.RunningMeanOut[j]);
            layer.RunningVar![j].Should().BeApproximately(reference.RunningVarOut![j], 1e-14 * reference.RunningVarOut[j]);
        }
        if (reference.XEval.Length > 0)
        {
            var yEval = layer.Forward(Tensor.FromRows(reference.XEval), ForwardMode.Inference);
            Deviation.OfMatrix(yEval, reference.YEval).Should().BeLessThan(1e-14, "inference at this offset is easy");
        }
    }

    [Theory]
    [InlineData(1e-5)]
    [InlineData(1e-15)]
    public void Forward_Offset1e6Spread1e3_GivesXhatOfMeanZeroAndVarianceVOverVPlusEps(double eps)
    {
        var reference = ReferenceFiles.Load<BatchNormCase>("robustness_offset_1e6_spread_1e-3.json");
        var layer = new BatchNorm(reference.D, eps); // γ = 1, β = 0: the output is x̂

        var xhat = layer.Forward(Tensor.FromRows(reference.X), ForwardMode.Training);

        for (int j = 0; j < reference.D; j++)
        {
            // x - 1e6 is exact here (Sterbenz), so this variance is correct to the last few bits.
            double[] deviations = [.. Column(reference.X, j).Select(x => x - Offset)];
            double mean = deviations.Average();
            double variance = deviations.Average(d => (d - mean) * (d - mean));
            double[] column = Column(xhat, j);
            double xhatMean = column.Average();
            double xhatVariance = column.Average(h => (h - xhatMean) * (h - xhatMean));

            xhatMean.Should().BeApproximately(0.0, 1e-6);
            xhatVariance.Should().BeApproximately(variance / (variance + eps), 1e-6 * variance / (variance + eps));
            if (eps < 1e-12)
            {
                xhatVariance.Should().BeApproximately(1.0, 1e-6, "with ε far below σ² = 1e-6 x̂ has unit variance");
            }
        }
    }

    [Fact]
    public void Forward_ConstantFeature_GivesBetaAndFiniteGradients()
    {
        const double exact = 3.0, rounded = 1e6 + 0.1; // the mean of 8 copies of 3.0 is exact; of 1e6 + 0.1 it may round
        var x = TestData.Normal(8, 3, seed: 1, mean: 5, spread: 2);
        for (int i = 0; i < 8; i++)
        {
            x[i, 0] = exact;
            x[i, 1] = rounded;
        }
        var layer = new BatchNorm(3);
        TestData.Set(layer.Weight!.Value, 1.7, -0.6, 1.2);
        TestData.Set(layer.Bias!.Value, 0.25, -3.5, 0.75);
        var dy = TestData.Normal(8, 3, seed: 2);

        var y = layer.Forward(x, ForwardMode.Training).Clone();
        var dx = layer.Backward(dy);

        Column(y, 0).Should().OnlyContain(value => value == 0.25, "x - mean is exactly 0, so y is exactly β");
        // The mean of 8 values is off by at most 8 units in the last place of the value; x̂ = that / √ε, times |γ|.
        double bound = 8 * (Math.BitIncrement(rounded) - rounded) / Math.Sqrt(1e-5) * 0.6;
        Column(y, 1).Should().OnlyContain(value => Math.Abs(value - -3.5) <= bound);
        dx.ToArray().Should().OnlyContain(value => double.IsFinite(value));
        layer.Weight.Gradient[0].Should().Be(0.0, "x̂ is 0 everywhere in the constant feature");
        layer.Bias.Gradient[0].Should().BeApproximately(Column(dy, 0).Sum(), 1e-15);
        layer.RunningVar!.ToArray().Should().OnlyContain(value => double.IsFinite(value));
        layer.Forward(x, ForwardMode.Inference).ToArray().Should().OnlyContain(value => double.IsFinite(value));
    }

    [Fact]
    public void Fit_DataWithAConstantFeature_TrainsWithFiniteLossesAndWeights()
    {
        var (inputs, labels) = TrainingData.Clusters(48, 4, 3, seed: 3);
        for (int i = 0; i < 48; i++)
        {
            inputs[i, 2] = 7.0;
        }
        var model = new Sequential(new BatchNorm(4), new Dense(4, 3, seed: 4), new BatchNorm(3));

        var history = new Trainer(model, new SgdMomentum(model.Parameters, 0.1, 0.9))
            .Fit(inputs, labels, new FitOptions { Epochs = 5, BatchSize = 8 });

        history.StopReason.Should().Be(StopReason.Completed);
        history.TrainingLoss.Should().OnlyContain(loss => double.IsFinite(loss));
        TrainingData.AllValues(model).Should().OnlyContain(value => double.IsFinite(value));
    }

    [Fact]
    public void Loss_RandomLogitsOfPlusMinus1e4_GiveFiniteLossAndGradientRowsSummingToZero()
    {
        var random = new Random(5);
        var logits = Tensor.Zeros(16, 5);
        foreach (ref double z in logits.AsSpan())
        {
            z = random.Next(2) == 0 ? -1e4 : 1e4;
        }
        int[] labels = TestData.Labels(16, 5, seed: 6);
        var loss = new SoftmaxCrossEntropy();

        double value = loss.Forward(logits, labels);
        var gradient = loss.Backward();

        double.IsFinite(value).Should().BeTrue();
        value.Should().BeGreaterThanOrEqualTo(0.0);
        gradient.ToArray().Should().OnlyContain(g => double.IsFinite(g));
        for (int i = 0; i < 16; i++)
        {
            gradient.Row(i).ToArray().Sum().Should().BeApproximately(0.0, 1e-16, "softmax sums to 1, the one-hot to 1");
        }
    }

    [Fact]
    public void PredictAndEvaluate_ModelGivingLogitsOf1e4_GiveFiniteProbabilitiesAndLoss()
    {
        var dense = new Dense(2, 3, seed: 7);
        TestData.Set(dense.Weight.Value, 1e4, -1e4, 0, -1e4, 1e4, 1e4);
        var inputs = Tensor.FromArray(new double[,] { { 1, 0 }, { 0, 1 }, { 1, 1 }, { -1, 2 } });

        var prediction = dense.Predict(inputs);
        var evaluation = dense.Evaluate(inputs, [0, 1, 2, 0]);

        prediction.Probabilities.ToArray().Should().OnlyContain(p => double.IsFinite(p) && p >= 0 && p <= 1);
        double.IsFinite(evaluation.Loss).Should().BeTrue();
        evaluation.Loss.Should().BeGreaterThan(1e3, "row 3 puts its label's logit 3e4 below the largest");
    }

    /// <summary>One unit in the last place of each feature's mean, seen in x̂: <c>2^-52 · |μ| / √(σ² + ε)</c>.</summary>
    private static double[] OneUlpOfTheOffsetInXhat(double[][] x, double eps)
    {
        var result = new double[x[0].Length];
        for (int j = 0; j < result.Length; j++)
        {
            double[] column = Column(x, j);
            double mean = column.Average();
            double variance = column.Average(value => (value - mean) * (value - mean));
            result[j] = Epsilon * Math.Abs(mean) / Math.Sqrt(variance + eps);
        }
        return result;
    }

    private static double WorstDifference(double[] actual, double[] expected) =>
        actual.Zip(expected, (a, e) => Math.Abs(a - e)).Max();

    private static double[] Column(double[][] matrix, int column) => [.. matrix.Select(row => row[column])];

    private static double[] Column(Tensor tensor, int column) =>
        [.. Enumerable.Range(0, tensor.Shape[0]).Select(row => tensor[row, column])];
}
