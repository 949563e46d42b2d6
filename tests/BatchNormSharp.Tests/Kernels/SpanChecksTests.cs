using BatchNormSharp.Kernels;

namespace BatchNormSharp.Tests.Kernels;

/// <summary>
/// The kernels that read through unchecked references check their span lengths for real at their entry (Release builds
/// drop <c>Debug.Assert</c>): a short span is an exception, never a read or write past an array (issue 13, item 1).
/// </summary>
public class SpanChecksTests
{
    public static TheoryData<string> ShortSpanCalls =>
    [
        "AddInPlace", "ScaleColumns", "ScaleColumns negative", "AddRowToEachRow", "Relu", "ReluBackward dy",
        "ReluBackward dx", "MomentumUpdate gradient", "MomentumUpdate velocity",
    ];

    [Theory]
    [MemberData(nameof(ShortSpanCalls))]
    public void Kernel_ShortSpan_ThrowsArgumentExceptionAndWritesNothing(string call)
    {
        double[] longer = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
        double[] shorter = new double[11];
        double[] untouched = (double[])longer.Clone();

        Action act = call switch
        {
            "AddInPlace" => () => Elementwise.AddInPlace(longer, shorter),
            "ScaleColumns" => () => Elementwise.ScaleColumns(longer, 3, 4, longer, shorter),
            "ScaleColumns negative" => () => Elementwise.ScaleColumns(longer, -3, 4, longer, longer),
            "AddRowToEachRow" => () => Elementwise.AddRowToEachRow(longer.AsSpan(0, 4), 3, shorter),
            "Relu" => () => Elementwise.Relu(longer, shorter),
            "ReluBackward dy" => () => Elementwise.ReluBackward(longer, shorter, longer),
            "ReluBackward dx" => () => Elementwise.ReluBackward(longer, longer, shorter),
            "MomentumUpdate gradient" => () => MomentumUpdate.Apply(longer, shorter, longer, 0.1, 0.9, 0, false),
            _ => () => MomentumUpdate.Apply(longer, longer, shorter, 0.1, 0.9, 0, false),
        };

        act.Should().Throw<ArgumentException>().WithMessage("*must hold at least * values, but holds *");
        shorter.Should().OnlyContain(x => x == 0);
        longer.Should().Equal(untouched);
    }
}
