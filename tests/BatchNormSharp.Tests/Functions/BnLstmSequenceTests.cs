
namespace BatchNormSharp.Tests.Functions;

/// <summary>The contract of <see cref="BnLstmSequence"/> and <see cref="StepBatchNorm"/> apart from their numbers.</summary>
public class BnLstmSequenceTests
{
    [Fact]
    public void Constructor_NormsOfWrongWidth_ThrowsNamingTheExpectedWidths()
    {
        var act = () => new BnLstmSequence(2, 3, BnLstmVariant.Cooijmans,
            new StepBatchNorm(12, 4), new StepBatchNorm(12, 4), new StepBatchNorm(12, 4));

        act.Should().Throw<ArgumentException>().WithMessage("*needs normalisations of [12, 12, 3] features, got [12, 12, 12]*");
    }

    [Fact]
    public void Backward_WithoutForward_ThrowsInvalidOperation()
    {
        var harness = new BnLstmHarness(BnLstmVariant.SharedGateStatistics, 2, 3, 1);

        var act = () => harness.Sequence.Backward(new double[6], new double[3], new double[3], harness.Parameters, new double[4]);

        act.Should().Throw<InvalidOperationException>().WithMessage("*call Forward first*");
    }

    [Theory]
    [InlineData(BnLstmVariant.SharedGateStatistics)]
    [InlineData(BnLstmVariant.Cooijmans)]
    internal void Forward_TrainingBatchOfOne_ThrowsAndMovesNoStatistic(BnLstmVariant variant)
    {
        var harness = new BnLstmHarness(variant, 2, 3, 4);
        var before = harness.NamedBuffers().Select(b => b.Value).ToList();

        var act = () => harness.Sequence.Forward(1, 3, new double[6], harness.Parameters, true, new double[9], new double[3], new double[3]);

        act.Should().Throw<ArgumentException>().WithMessage("*more than 1 value per feature*");
        harness.NamedBuffers().Select(b => b.Value).Should().BeEquivalentTo(before, o => o.WithStrictOrdering());
    }

    [Fact]
    public void Forward_WeightsOfAnotherSize_ThrowsBeforeAnyStatisticMoves()
    {
        var harness = new BnLstmHarness(BnLstmVariant.SharedGateStatistics, 2, 3, 1);

        var act = () => harness.Sequence.Forward(2, 3, new double[12], new BnLstmParameters(2, 4), true,
            new double[18], new double[6], new double[6]);

        act.Should().Throw<ArgumentException>().WithMessage("*weight_ih [4H, I] must hold 24 values, but holds 32*");
        harness.Norms[0].NumBatchesTracked(0).Should().Be(0);
    }

    [Fact]
    public void Forward_SharedStatistics_MoveOncePerTimeStep()
    {
        var harness = new BnLstmHarness(BnLstmVariant.SharedGateStatistics, 1, 2, 1);

        harness.Sequence.Forward(3, 5, new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 }, harness.Parameters, true,
            new double[30], new double[6], new double[6]);

        harness.Norms[0].NumBatchesTracked(0).Should().Be(5);
    }

    [Fact]
    public void Forward_PerStepStatistics_MoveOncePerBatchAndReuseTheLastSlot()
    {
        var harness = new BnLstmHarness(BnLstmVariant.Cooijmans, 1, 2, 3);

        harness.Sequence.Forward(2, 5, new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, harness.Parameters, true,
            new double[20], new double[4], new double[4]);

        // Steps 0 and 1 have their own slots; steps 2, 3 and 4 all use slot 2 (the last).
        Enumerable.Range(0, 3).Select(t => harness.Norms[0].NumBatchesTracked(t)).Should().Equal(1, 1, 3);
    }

    [Theory]
    [InlineData(BnLstmVariant.SharedGateStatistics)]
    [InlineData(BnLstmVariant.Cooijmans)]
    internal void ForwardBackward_SteadyState_AllocatesNothing(BnLstmVariant variant)
    {
        const int batch = 32, time = 30, hidden = 64;
        var harness = new BnLstmHarness(variant, 1, hidden, time);
        var random = new Random(4);
        foreach (var (_, value, _) in harness.NamedParameters())
        {
            LstmInit.Uniform(value.Span, 0.125, random);
        }
        double[] x = [.. Enumerable.Range(0, batch * time).Select(_ => random.NextDouble())];
        double[] y = new double[batch * time * hidden], dy = [.. y.Select(_ => random.NextDouble() - 0.5)];
        double[] h = new double[batch * hidden], c = new double[batch * hidden], dh = new double[batch * hidden], dx = new double[batch * time];
        void Step()
        {
            harness.ZeroGradients();
            harness.Sequence.Forward(batch, time, x, harness.Parameters, true, y, h, c);
            harness.Sequence.Backward(dy, dh, dh, harness.Parameters, dx);
        }
        Step();

        AllocationMeter.BytesAllocatedBy(Step).Should().Be(0);
    }
}
