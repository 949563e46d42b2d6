using BatchNormSharp.Kernels;

namespace BatchNormSharp.Tests.Kernels;

public class ElementwiseTests
{
    [Theory]
    [InlineData(3, 1)]
    [InlineData(9, 10)]
    [InlineData(17, 45)]
    public void AddRowsInPlace_AnyShape_AddsRowsInOrderOntoTheDestination(int rows, int columns)
    {
        var random = new Random(rows + columns);
        var source = Enumerable.Range(0, rows * columns).Select(_ => random.NextDouble() * 1e3).ToArray();
        var destination = Enumerable.Range(0, columns).Select(_ => random.NextDouble()).ToArray();
        var expected = (double[])destination.Clone();
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                expected[j] += source[(i * columns) + j];
            }
        }

        Elementwise.AddRowsInPlace(source, rows, columns, destination);

        destination.Should().Equal(expected);
    }

    /// <summary>Lengths with whole 512-bit vectors, a tail, or only a tail.</summary>
    public static TheoryData<int> Lengths => new() { 1, 3, 7, 8, 13, 64, 67 };

    [Theory]
    [MemberData(nameof(Lengths))]
    public void AddInPlaceAndMultiply_AnyLength_EqualScalarLoopsBitForBit(int n)
    {
        // The BN-LSTM cells' BatchNorm sums its rows and applies its frozen scale with these, and promises the bits
        // of the scalar formulas; values of mean 1e6 make a wrongly ordered or fused sum visible in the last bits.
        var random = new Random(n);
        double[] x = Enumerable.Range(0, n).Select(_ => 1e6 + random.NextDouble()).ToArray();
        double[] sum = Enumerable.Range(0, n).Select(_ => 1e6 * random.NextDouble()).ToArray();
        double[] factor = Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5).ToArray();
        double[] expectedSum = sum.Select((s, j) => s + x[j]).ToArray();
        var product = new double[n];

        Elementwise.AddInPlace(x, sum);
        Elementwise.Multiply(x, factor, product);

        sum.Should().Equal(expectedSum);
        product.Should().Equal(x.Select((v, j) => v * factor[j]));
    }

    [Fact]
    public void Relu_NaNAndSigns_KeepsNaNAndZeroesNegatives()
    {
        double[] x = [-1, 0, 2, double.NaN, -0.5, 3, -7, 8, 9, double.NaN, -1];
        var y = new double[x.Length];

        Elementwise.Relu(x, y);

        y.Should().Equal([0, 0, 2, double.NaN, 0, 3, 0, 8, 9, double.NaN, 0]);
    }
}
