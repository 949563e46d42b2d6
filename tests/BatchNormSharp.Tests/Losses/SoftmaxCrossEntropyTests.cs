namespace BatchNormSharp.Tests;

public class SoftmaxCrossEntropyTests(ITestOutputHelper output)
{
    /// <summary>N = 2, 4, 7 rows; 2 and 5 classes (one class makes the loss 0 for any logits, see below).</summary>
    public static TheoryData<int, int> Shapes
    {
        get
        {
            var data = new TheoryData<int, int>();
            foreach (int rows in GradientShapes.Rows)
            {
                data.Add(rows, 2);
                data.Add(rows, 5);
            }
            return data;
        }
    }

    [Fact]
    public void Forward_KnownLogits_GivesLogSumExpMinusLabelLogit()
    {
        var loss = new SoftmaxCrossEntropy();

        double value = loss.Forward(Tensor.FromArray(new double[,] { { 1, 2, 3 }, { 0, 0, 0 } }), [2, 0]);

        // Row 0: log(e + e² + e³) - 3 = log(1 + e⁻¹ + e⁻²); row 1: log 3. Mean of the two.
        double expected = (Math.Log(1 + Math.Exp(-1) + Math.Exp(-2)) + Math.Log(3)) / 2;
        value.Should().BeApproximately(expected, 1e-15);
        loss.Probabilities.Row(1).ToArray().Should().OnlyContain(p => Math.Abs(p - (1.0 / 3)) < 1e-16);
    }

    [Fact]
    public void Backward_KnownLogits_GivesSoftmaxMinusOneHotOverBatchSize()
    {
        var loss = new SoftmaxCrossEntropy();
        loss.Forward(Tensor.FromArray(new double[,] { { 0, 0, 0, 0 }, { 0, 0, 0, 0 } }), [1, 3]);

        var gradient = loss.Backward();

        gradient.ToArray().Should().Equal(0.125, -0.375, 0.125, 0.125, 0.125, 0.125, 0.125, -0.375);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Backward_WithRespectToLogits_MatchesFiniteDifferences(int rows, int classes)
    {
        var logits = TestData.Normal(rows, classes, seed: 70 + rows, mean: 2, spread: 3);
        var labels = TestData.Labels(rows, classes, seed: 80 + rows);

        var report = GradientChecker.Check(new NetworkObjective([], labels, ForwardMode.Training), logits);

        report.WriteTo(output, $"SoftmaxCrossEntropy N={rows} C={classes}");
        report.ShouldPass();
    }

    [Fact]
    public void Forward_SingleClass_GivesZeroLossAndZeroGradient()
    {
        var loss = new SoftmaxCrossEntropy();

        double value = loss.Forward(Tensor.FromArray(new double[,] { { 3.5 }, { -7 } }), [0, 0]);

        value.Should().Be(0.0);
        loss.Backward().ToArray().Should().Equal(0.0, 0.0);
    }

    [Fact]
    public void Forward_LogitsOfPlusMinus1e4_GivesFiniteExactLossAndGradient()
    {
        var loss = new SoftmaxCrossEntropy();
        var logits = Tensor.FromArray(new double[,] { { 1e4, -1e4, 0 }, { -1e4, 1e4, 1e4 } });

        double value = loss.Forward(logits, [1, 0]);
        var gradient = loss.Backward();

        // Row 0: logsumexp = 1e4, minus -1e4. Row 1: logsumexp = 1e4 + log 2, minus -1e4.
        value.Should().Be((2e4 + 2e4 + Math.Log(2)) / 2);
        gradient.ToArray().Should().OnlyContain(g => double.IsFinite(g));
        gradient.ToArray().Should().Equal(0.5, -0.5, 0, -0.5, 0.25, 0.25);
    }

    [Fact]
    public void Forward_LabelCountDiffersFromRows_ThrowsNamingBoth()
    {
        var loss = new SoftmaxCrossEntropy();

        var act = () => loss.Forward(Tensor.Zeros(4, 3), [0, 1, 2]);

        act.Should().Throw<ArgumentException>().WithMessage("*one label per row (4)*got 3 labels*")
            .Which.ParamName.Should().Be("labels");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(-1)]
    public void Forward_LabelOutOfRange_ThrowsNamingRangeAndLabel(int label)
    {
        var loss = new SoftmaxCrossEntropy();

        var act = () => loss.Forward(Tensor.Zeros(2, 3), [0, label]);

        act.Should().Throw<ArgumentException>().WithMessage($"*[0, 3)*label 1 is {label}*");
    }

    [Fact]
    public void Forward_VectorInsteadOfBatch_ThrowsNamingActualShape()
    {
        var act = () => new SoftmaxCrossEntropy().Forward(Tensor.Zeros(3), [0]);

        act.Should().Throw<ArgumentException>().WithMessage("*[batch, features]*got [3]*");
    }

    [Fact]
    public void Forward_RejectedCall_KeepsTheLastGoodForwardPass()
    {
        var loss = new SoftmaxCrossEntropy();
        loss.Forward(Tensor.FromArray(new double[,] { { 1, 2 }, { 3, 1 } }), [0, 1]);
        var probabilities = loss.Probabilities.ToArray();

        var act = () => loss.Forward(Tensor.FromArray(new double[,] { { 5, 5 }, { 5, 5 } }), [0, 2]);

        act.Should().Throw<ArgumentException>();
        loss.Probabilities.ToArray().Should().Equal(probabilities);
        loss.Backward().ToArray().Should().Equal(
            (probabilities[0] - 1) / 2, probabilities[1] / 2, probabilities[2] / 2, (probabilities[3] - 1) / 2);
    }

    [Fact]
    public void Backward_BeforeAnyForward_ThrowsSayingWhatToDo()
    {
        var act = () => new SoftmaxCrossEntropy().Backward();

        act.Should().Throw<InvalidOperationException>().WithMessage("*Forward(logits, labels) first*");
    }

    [Fact]
    public void Backward_TwiceAfterOneForward_Throws()
    {
        var loss = new SoftmaxCrossEntropy();
        loss.Forward(Tensor.Zeros(2, 3), [0, 1]);
        loss.Backward();

        var act = () => loss.Backward();

        act.Should().Throw<InvalidOperationException>();
    }
}
