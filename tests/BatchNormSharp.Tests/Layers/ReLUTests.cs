namespace BatchNormSharp.Tests;

public class ReLUTests(ITestOutputHelper output)
{
    public static TheoryData<int, int> Shapes => GradientShapes.All();

    [Fact]
    public void Forward_MixedSigns_KeepsPositivesAndZeroesTheRest()
    {
        var layer = new ReLU();

        var y = layer.Forward(Tensor.FromArray(new double[,] { { -2, 0, 3 }, { 0.5, -0.1, 7 } }), ForwardMode.Training);

        y.To2DArray().Should().BeEquivalentTo(new double[,] { { 0, 0, 3 }, { 0.5, 0, 7 } });
    }

    [Fact]
    public void Backward_AtTheKink_PassesNoGradientLikePyTorch()
    {
        var layer = new ReLU();
        layer.Forward(Tensor.FromArray(new double[,] { { -1, 0, 2 } }), ForwardMode.Training);

        var dx = layer.Backward(Tensor.FromArray(new double[,] { { 5, 6, 7 } }));

        dx.ToArray().Should().Equal(0, 0, 7);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Backward_AwayFromTheKink_MatchesFiniteDifferences(int rows, int features)
    {
        // |x| ≥ 0.1 while h = 1e-6: no perturbation crosses the kink, where the derivative jumps.
        var input = TestData.AwayFromZero(rows, features, seed: 50 + rows, minMagnitude: 0.1);

        var report = GradientChecker.CheckLayer(new ReLU(), input, ForwardMode.Training, upstreamSeed: 60 + rows);

        report.WriteTo(output, $"ReLU N={rows} D={features}");
        report.ShouldPass();
    }

    [Fact]
    public void Forward_VectorInsteadOfBatch_ThrowsNamingActualShape()
    {
        var act = () => new ReLU().Forward(Tensor.Zeros(4), ForwardMode.Training);

        act.Should().Throw<ArgumentException>().WithMessage("*[batch, features]*got [4]*");
    }

    [Fact]
    public void Forward_EmptyBatch_Throws()
    {
        var act = () => new ReLU().Forward(Tensor.Zeros(0, 3), ForwardMode.Training);

        act.Should().Throw<ArgumentException>().WithMessage("*at least one row*[0, 3]*");
    }

    [Fact]
    public void Backward_WrongGradientShape_ThrowsNamingExpectedAndActualAndKeepsTheForwardPass()
    {
        var layer = new ReLU();
        layer.Forward(TestData.Normal(4, 3, seed: 1), ForwardMode.Training);

        var act = () => layer.Backward(Tensor.Zeros(3, 4));

        act.Should().Throw<ArgumentException>().WithMessage("*[4, 3]*[3, 4]*");
        layer.Invoking(l => l.Backward(Tensor.Zeros(4, 3))).Should().NotThrow();
    }

    [Fact]
    public void Backward_BeforeAnyForward_Throws()
    {
        var act = () => new ReLU().Backward(Tensor.Zeros(4, 3));

        act.Should().Throw<InvalidOperationException>().WithMessage("*ReLU.Backward*Forward*");
    }

    [Fact]
    public void Backward_TwiceAfterOneForward_Throws()
    {
        var layer = new ReLU();
        layer.Forward(TestData.Normal(4, 3, seed: 1), ForwardMode.Training);
        layer.Backward(Tensor.Zeros(4, 3));

        var act = () => layer.Backward(Tensor.Zeros(4, 3));

        act.Should().Throw<InvalidOperationException>();
    }
}
