namespace BatchNormSharp.Tests.Layers;

/// <summary><see cref="LastTimeStep"/>: the selection, its gradient, its shapes and refusals.</summary>
public class LastTimeStepTests(ITestOutputHelper output)
{
    [Fact]
    public void Forward_Sequence_ReturnsEachSequencesLastStep()
    {
        var x = Tensor.FromSpan([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 2, 3, 2);

        var y = new LastTimeStep().Forward(x);

        y.Shape.ToArray().Should().Equal(2, 2);
        y.ToArray().Should().Equal(5, 6, 11, 12);
    }

    [Fact]
    public void Backward_GradientCheck_MatchesFiniteDifferences()
    {
        var report = GradientChecker.CheckLayer(new LastTimeStep(), TestData.NormalShaped([3, 4, 2], seed: 1, mean: 12, spread: 5),
            ForwardMode.Training, upstreamSeed: 2);

        report.WriteTo(output, "LastTimeStep");
        report.ShouldPass();
    }

    [Fact]
    public void Backward_Gradient_GoesToTheLastStepOnly()
    {
        var layer = new LastTimeStep();
        layer.Forward(Tensor.Zeros(2, 2, 1));

        var dx = layer.Backward(Tensor.FromSpan([3, 4], 2, 1));

        dx.ToArray().Should().Equal(0, 3, 0, 4);
    }

    [Theory]
    [InlineData(new[] { 4, 3 })]
    [InlineData(new[] { 4, 0, 3 })]
    public void OutputShape_NotASequence_ThrowsSayingWhereItGoes(int[] shape)
    {
        var act = () => new LastTimeStep().OutputShape(shape, ForwardMode.Inference);

        act.Should().Throw<ArgumentException>().WithMessage("*[batch, time, features]*returnSequences*");
    }
}
