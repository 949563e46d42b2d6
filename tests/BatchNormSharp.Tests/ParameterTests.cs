namespace BatchNormSharp.Tests;

public class ParameterTests
{
    [Fact]
    public void Constructor_ForAUsersLayer_KeepsTheTensorAndStartsWithAZeroGradient()
    {
        var value = Tensor.FromArray([1.0, 2.0, 3.0]);

        var parameter = new Parameter("scale", value);

        parameter.Value.Should().BeSameAs(value);
        parameter.Gradient.Shape.ToArray().Should().Equal(3);
        parameter.Gradient.AsReadOnlySpan().ToArray().Should().OnlyContain(g => g == 0.0);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0.weight")]
    public void Constructor_NameEmptyOrDotted_ThrowsNamingIt(string name)
    {
        var act = () => new Parameter(name, Tensor.Zeros(2));
        var actBuffer = () => new StateBuffer(name, Tensor.Zeros(2));

        act.Should().Throw<ArgumentException>().WithMessage($"*without dots*but got \"{name}\"*");
        actBuffer.Should().Throw<ArgumentException>().WithMessage($"*without dots*but got \"{name}\"*");
    }
}
