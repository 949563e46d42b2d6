namespace BatchNormSharp.Tests;

/// <summary>An integer buffer is refused at construction when it holds something a count cannot (issue 13, item 7).</summary>
public class StateBufferTests
{
    [Theory]
    [InlineData(0.5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(9007199254740994.0)] // 2^53 + 2: whole, but beyond what an int64 round trip through a double keeps
    public void Constructor_IntegerBufferHoldingANonCount_ThrowsArgumentExceptionNamingTheValue(double value)
    {
        var act = () => new StateBuffer("steps", Tensor.Full(value), isInteger: true);

        act.Should().Throw<ArgumentException>()
            .WithMessage("Integer buffer 'steps' must hold whole numbers of magnitude at most 2^53, but holds *")
            .Which.ParamName.Should().Be("value");
    }

    [Fact]
    public void Constructor_IntegerBufferOfWholeNumbers_IsSavedAsACount()
    {
        var buffer = new StateBuffer("steps", Tensor.FromArray([0.0, -3.0, 9007199254740992.0]), isInteger: true);

        buffer.IsInteger.Should().BeTrue();
    }

    [Fact]
    public void Constructor_FloatBufferHoldingAFraction_IsAccepted()
    {
        var buffer = new StateBuffer("scale", Tensor.Full(0.5));

        buffer.IsInteger.Should().BeFalse();
    }
}
