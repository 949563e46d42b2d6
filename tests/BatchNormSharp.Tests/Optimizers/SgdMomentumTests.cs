using System.Globalization;

namespace BatchNormSharp.Tests;

/// <summary>SGD with momentum against hand-computed PyTorch updates: <c>g += wd·p; v = μ·v + g; p -= lr·v</c>.</summary>
public class SgdMomentumTests
{
    [Fact]
    public void Step_TwoStepsWithMomentum_MatchesHandComputedValues()
    {
        var (parameter, optimizer) = Single(learningRate: 0.1, momentum: 0.9);

        Step(parameter, optimizer, gradient: 0.5); // v = 0.5;                  p = 1 - 0.05
        parameter.Value[0].Should().BeApproximately(0.95, 1e-15);
        Step(parameter, optimizer, gradient: 0.3); // v = 0.9 · 0.5 + 0.3 = 0.75; p = 0.95 - 0.075

        parameter.Value[0].Should().BeApproximately(0.875, 1e-15);
    }

    [Fact]
    public void Step_WithWeightDecay_AddsDecayTimesParameterToTheGradient()
    {
        var (parameter, optimizer) = Single(learningRate: 0.1, momentum: 0.9, weightDecay: 0.01);

        Step(parameter, optimizer, gradient: 0.5); // g = 0.5 + 0.01 · 1 = 0.51; v = 0.51; p = 1 - 0.051
        parameter.Value[0].Should().BeApproximately(0.949, 1e-15);
        Step(parameter, optimizer, gradient: 0.3); // g = 0.3 + 0.01 · 0.949 = 0.30949; v = 0.459 + 0.30949

        parameter.Value[0].Should().BeApproximately(0.949 - (0.1 * 0.76849), 1e-15);
    }

    [Fact]
    public void Step_Nesterov_StepsAlongGradientPlusMomentumTimesVelocity()
    {
        var (parameter, optimizer) = Single(learningRate: 0.1, momentum: 0.9, nesterov: true);

        Step(parameter, optimizer, gradient: 0.5); // v = 0.5;  p = 1 - 0.1 · (0.5 + 0.45)
        parameter.Value[0].Should().BeApproximately(0.905, 1e-15);
        Step(parameter, optimizer, gradient: 0.3); // v = 0.75; p = 0.905 - 0.1 · (0.3 + 0.675)

        parameter.Value[0].Should().BeApproximately(0.8075, 1e-15);
    }

    [Fact]
    public void Step_MomentumZero_IsPlainGradientDescent()
    {
        var (parameter, optimizer) = Single(learningRate: 0.1, momentum: 0.0);

        Step(parameter, optimizer, gradient: 0.5);
        Step(parameter, optimizer, gradient: 0.3);

        parameter.Value[0].Should().BeApproximately(1 - 0.05 - 0.03, 1e-15);
    }

    [Fact]
    public void Step_BatchNormParameters_LeavesRunningStatisticsAlone()
    {
        var layer = new BatchNorm(2);
        layer.Forward(TestData.Normal(4, 2, seed: 1, mean: 3), ForwardMode.Training);
        layer.Backward(TestData.Normal(4, 2, seed: 2));
        var buffers = StateSnapshot.Of([], layer.Buffers);
        var gamma = layer.Weight!.Value.ToArray();
        var optimizer = new SgdMomentum(layer.Parameters, learningRate: 0.1, momentum: 0.9);

        optimizer.Step();

        buffers.ShouldBeUnchanged("buffers are not trainable");
        layer.Weight.Value.ToArray().Should().NotEqual(gamma, "parameters are");
    }

    [Fact]
    public void ZeroGrad_AfterBackward_SetsEveryGradientToZero()
    {
        var dense = new Dense(3, 2, seed: 1);
        var norm = new BatchNorm(2);
        Layer[] layers = [dense, norm];
        LayerChain.Forward(layers, TestData.Normal(4, 3, seed: 2), ForwardMode.Training);
        LayerChain.Backward(layers, TestData.Normal(4, 2, seed: 3));
        var optimizer = new SgdMomentum(layers.SelectMany(l => l.Parameters), learningRate: 0.1);

        optimizer.ZeroGrad();

        optimizer.Parameters.Should().HaveCount(4);
        optimizer.Parameters.SelectMany(p => p.Gradient.ToArray()).Should().OnlyContain(g => g == 0.0);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Constructor_InvalidLearningRate_ThrowsNamingRangeAndValueAndChangesNothing(double learningRate)
    {
        var layer = new Dense(2, 2, seed: 1);
        var before = StateSnapshot.Of(layer);

        var act = () => new SgdMomentum(layer.Parameters, learningRate);

        act.Should().Throw<ArgumentOutOfRangeException>()
            .WithMessage($"*LearningRate must lie in ?0, ∞)*but was {Format(learningRate)}*");
        before.ShouldBeUnchanged();
    }

    [Theory]
    [InlineData(-0.5)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void Constructor_MomentumOutsideZeroToOne_ThrowsNamingRangeAndValue(double momentum)
    {
        var act = () => new SgdMomentum(new Dense(2, 2, seed: 1).Parameters, 0.1, momentum);

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage($"*momentum must lie in ?0, 1]*but was {Format(momentum)}*")
            .Which.ParamName.Should().Be("momentum");
    }

    [Fact]
    public void Constructor_NegativeWeightDecay_ThrowsNamingRangeAndValue()
    {
        var act = () => new SgdMomentum(new Dense(2, 2, seed: 1).Parameters, 0.1, 0.9, weightDecay: -1e-4);

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*weightDecay must lie in ?0, ∞)*but was -0.0001*")
            .Which.ParamName.Should().Be("weightDecay");
    }

    [Fact]
    public void Constructor_NesterovWithoutMomentum_ThrowsSayingWhy()
    {
        var act = () => new SgdMomentum(new Dense(2, 2, seed: 1).Parameters, 0.1, momentum: 0.0, nesterov: true);

        act.Should().Throw<ArgumentException>().WithMessage("*Nesterov*momentum greater than 0*momentum is 0*")
            .Which.ParamName.Should().Be("nesterov");
    }

    [Fact]
    public void Constructor_ParameterListedTwice_Throws()
    {
        var dense = new Dense(2, 2, seed: 1);

        var act = () => new SgdMomentum(dense.Parameters.Concat(dense.Parameters), 0.1);

        act.Should().Throw<ArgumentException>().WithMessage("*more than once*");
    }

    [Fact]
    public void LearningRate_SetNegative_ThrowsAndKeepsTheOldRate()
    {
        var (parameter, optimizer) = Single(learningRate: 0.1, momentum: 0.9);
        var before = StateSnapshot.Of([parameter]);

        var act = () => optimizer.LearningRate = -1;

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*but was -1*");
        optimizer.LearningRate.Should().Be(0.1);
        before.ShouldBeUnchanged();
    }

    /// <summary>One scalar parameter, value 1, inside a BatchNorm(1)'s γ.</summary>
    private static (Parameter Parameter, SgdMomentum Optimizer) Single(
        double learningRate, double momentum, double weightDecay = 0.0, bool nesterov = false)
    {
        var parameter = new BatchNorm(1, affine: true).Weight!;
        return (parameter, new SgdMomentum([parameter], learningRate, momentum, weightDecay, nesterov));
    }

    private static void Step(Parameter parameter, SgdMomentum optimizer, double gradient)
    {
        optimizer.ZeroGrad();
        parameter.Gradient.Fill(gradient);
        optimizer.Step();
    }

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}
