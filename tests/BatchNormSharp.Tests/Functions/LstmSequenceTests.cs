
namespace BatchNormSharp.Tests.Functions;

/// <summary>The contract of <see cref="LstmSequence"/> apart from its numbers: errors, reuse of its memory, allocations.</summary>
public class LstmSequenceTests
{
    [Fact]
    public void Backward_WithoutForward_ThrowsInvalidOperation()
    {
        var harness = Create(2, 3, 2, 4, 2);

        var act = () => harness.Sequence.Backward([], [], [], harness.Parameters, harness.InputGradient, [], []);

        act.Should().Throw<InvalidOperationException>().WithMessage("*call Forward first*");
    }

    [Fact]
    public void Forward_InputOfWrongLength_ThrowsAndWritesNothing()
    {
        var harness = Create(2, 3, 2, 4, 1);
        Array.Fill(harness.Output, 7.0);

        var act = () => harness.Sequence.Forward(2, 3, new double[11], harness.Parameters, [], [], harness.Output, [], []);

        act.Should().Throw<ArgumentException>().WithMessage("*input must hold 12 values ([batch, time, input_size])*")
            .And.ParamName.Should().Be("input");
        harness.Output.Should().AllSatisfy(v => v.Should().Be(7.0));
    }

    [Fact]
    public void Forward_ParametersOfWrongShape_ThrowsNamingTheTorchParameter()
    {
        var sequence = new LstmSequence(2, 4, 2);
        LstmLayerParameters[] parameters = [LstmLayerParameters.Allocate(2, 4), LstmLayerParameters.Allocate(2, 4)];

        var act = () => sequence.Forward(1, 1, new double[2], parameters, [], [], new double[4], [], []);

        act.Should().Throw<ArgumentException>().WithMessage("*weight_ih_l1 must hold 64 values*");
    }

    [Fact]
    public void Forward_InitialStateOfWrongLength_Throws()
    {
        var harness = Create(2, 3, 2, 4, 2);

        var act = () => harness.Sequence.Forward(2, 3, new double[12], harness.Parameters, new double[8], [], harness.Output, [], []);

        act.Should().Throw<ArgumentException>().WithMessage("*h0 must hold 16 values*");
    }

    [Fact]
    public void Backward_GradientsTwice_AccumulatesParameterGradients()
    {
        var harness = Create(3, 4, 2, 3, 2);
        double[] x = Values(3 * 4 * 2, 1), dy = Values(3 * 4 * 3, 2);
        harness.Forward(x, null, null);
        harness.Sequence.Backward(dy, [], [], harness.Parameters, [], [], []);
        double[] once = harness.Parameters[0].WeightHhGradient.ToArray();

        harness.Sequence.Backward(dy, [], [], harness.Parameters, [], [], []);

        harness.Parameters[0].WeightHhGradient.ToArray().Should().Equal(once.Select(v => 2 * v));
    }

    [Fact]
    public void Forward_SmallerBatchAfterLarger_EqualsAFreshDriver()
    {
        var reused = Create(2, 3, 2, 4, 2);
        var fresh = Create(2, 3, 2, 4, 2);
        var large = Create(5, 7, 2, 4, 2);
        for (int l = 0; l < 2; l++)
        {
            reused.Parameters[l].WeightIh.CopyTo(large.Parameters[l].WeightIh);
        }
        double[] x = Values(12, 3), dy = Values(24, 4), dh = Values(16, 5), dc = Values(16, 6);
        // The driver first serves a larger batch and a longer sequence, then the small one.
        reused.Sequence.Forward(5, 7, Values(70, 7), reused.Parameters, [], [], new double[140], [], []);

        reused.Differentiate(x, dh, dc, dy, dh, dc);
        fresh.Differentiate(x, dh, dc, dy, dh, dc);

        reused.Output.Should().Equal(fresh.Output);
        reused.FinalCell.Should().Equal(fresh.FinalCell);
        reused.InputGradient.Should().Equal(fresh.InputGradient);
        reused.InitialHiddenGradient.Should().Equal(fresh.InitialHiddenGradient);
        reused.Parameters[1].WeightHhGradient.ToArray().Should().Equal(fresh.Parameters[1].WeightHhGradient.ToArray());
    }

    [Fact]
    public void ForwardBackward_SteadyState_AllocatesNothing()
    {
        var harness = Create(32, 30, 1, 64, 1);
        double[] x = Values(32 * 30, 8), dy = Values(32 * 30 * 64, 9), none = [];
        harness.Differentiate(x, null, null, dy, none, none);

        long allocated = AllocationMeter.BytesAllocatedBy(() => harness.Differentiate(x, null, null, dy, none, none));

        allocated.Should().Be(0);
    }

    private static LstmHarness Create(int batch, int time, int inputSize, int hidden, int layers)
    {
        var harness = new LstmHarness(batch, time, inputSize, hidden, layers);
        var random = new Random(5);
        foreach (var (_, value, _) in harness.NamedParameters())
        {
            LstmInit.Uniform(value.Span, 1.0 / Math.Sqrt(hidden), random);
        }
        return harness;
    }

    private static double[] Values(int length, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, length).Select(_ => 2.0 * random.NextDouble() - 1.0)];
    }
}
