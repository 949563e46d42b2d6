
namespace BatchNormSharp.Tests.Functions;

public class LstmInitTests
{
    [Fact]
    public void PyTorchDefault_SameSeed_SameValuesWithinTorchBound()
    {
        double[] a = Draw(42), b = Draw(42);

        a.Should().Equal(b);
        a.Should().AllSatisfy(v => Math.Abs(v).Should().BeLessThanOrEqualTo(1.0 / Math.Sqrt(5)));
        a.Max().Should().BeGreaterThan(0.8 / Math.Sqrt(5), "the draws must fill the interval");
    }

    [Fact]
    public void XavierPerGate_Bound_IsGlorotOfTheSeedsGateMatrix()
    {
        double[] wih = new double[20 * 3], whh = new double[20 * 5], bih = Enumerable.Repeat(1.0, 20).ToArray(), bhh = new double[20];

        LstmInit.XavierPerGate(3, 5, new Random(1), wih, whh, bih, bhh);

        double bound = Math.Sqrt(6.0 / (3 + 5 + 5));
        wih.Concat(whh).Should().AllSatisfy(v => Math.Abs(v).Should().BeLessThanOrEqualTo(bound));
        wih.Concat(whh).Max().Should().BeGreaterThan(0.8 * bound);
        bih.Should().AllSatisfy(v => v.Should().Be(0.0));
    }

    private static double[] Draw(int seed)
    {
        double[] wih = new double[20 * 3], whh = new double[20 * 5], bih = new double[20], bhh = new double[20];
        LstmInit.PyTorchDefault(5, new Random(seed), wih, whh, bih, bhh);
        return [.. wih, .. whh, .. bih, .. bhh];
    }
}
