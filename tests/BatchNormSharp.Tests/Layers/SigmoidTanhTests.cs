namespace BatchNormSharp.Tests;

public class SigmoidTanhTests
{
    public static TheoryData<int, int> Shapes => GradientShapes.All();

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Sigmoid_Backward_MatchesFiniteDifferences(int rows, int features)
    {
        var input = TestData.Normal(rows, features, seed: rows * 10 + features, mean: 0.5, spread: 3);

        GradientChecker.CheckLayer(new Sigmoid(), input, ForwardMode.Training, upstreamSeed: 7).ShouldPass();
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Tanh_Backward_MatchesFiniteDifferences(int rows, int features)
    {
        var input = TestData.Normal(rows, features, seed: rows * 10 + features, mean: 0.5, spread: 3);

        GradientChecker.CheckLayer(new Tanh(), input, ForwardMode.Training, upstreamSeed: 8).ShouldPass();
    }

    [Fact]
    public void Forward_ExtremeInputs_GivesFiniteLimitsWithoutOverflow()
    {
        var input = Tensor.FromArray(new double[,] { { -800, -1, 0, 1, 800 } });

        var sigmoid = new Sigmoid().Forward(input, ForwardMode.Inference).ToArray();
        var tanh = new Tanh().Forward(input, ForwardMode.Inference).ToArray();

        sigmoid.Should().Equal([0.0, 1 / (1 + Math.Exp(1)), 0.5, 1 / (1 + Math.Exp(-1)), 1.0],
            (a, b) => Math.Abs(a - b) <= 1e-15, "the vectorised exponential is within 2 ulp of Math.Exp");
        tanh.Should().Equal(-1.0, Math.Tanh(-1), 0.0, Math.Tanh(1), 1.0);
    }

    [Fact]
    public void Forward_SequenceInput_KeepsTheShape()
    {
        var input = Tensor.Zeros(2, 3, 4);

        new Tanh().Forward(input, ForwardMode.Training).Shape.ToArray().Should().Equal(2, 3, 4);
    }
}
