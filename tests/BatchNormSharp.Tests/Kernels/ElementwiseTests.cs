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

    [Fact]
    public void Relu_NaNAndSigns_KeepsNaNAndZeroesNegatives()
    {
        double[] x = [-1, 0, 2, double.NaN, -0.5, 3, -7, 8, 9, double.NaN, -1];
        var y = new double[x.Length];

        Elementwise.Relu(x, y);

        y.Should().Equal([0, 0, 2, double.NaN, 0, 3, 0, 8, 9, double.NaN, 0]);
    }
}
