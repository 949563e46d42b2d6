using MathNet.Numerics.LinearAlgebra;

namespace BatchNormSharp.Tests;

public class TensorTests
{
    [Fact]
    public void FromMatrix_ThenToMatrix_RoundTripsValuesRowMajor()
    {
        var matrix = Matrix<double>.Build.DenseOfArray(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });

        var tensor = Tensor.FromMatrix(matrix);

        tensor.Shape.ToArray().Should().Equal(2, 3);
        tensor.AsReadOnlySpan().ToArray().Should().Equal(1, 2, 3, 4, 5, 6);
        tensor.ToMatrix().Should().Be(matrix);
    }

    [Fact]
    public void FromSpan_WrongCount_ThrowsNamingShapeAndCount()
    {
        var act = () => Tensor.FromSpan(new double[5], 2, 3);

        act.Should().Throw<ArgumentException>().WithMessage("*[2, 3]*6*5*");
    }

    [Fact]
    public void FromRows_RaggedRows_Throws()
    {
        var act = () => Tensor.FromRows([[1.0, 2.0], [3.0]]);

        act.Should().Throw<ArgumentException>().WithMessage("*row 1 has 1*");
    }

    [Fact]
    public void Indexer_RowColumn_ReadsRowMajorStorage()
    {
        var tensor = Tensor.FromArray(new double[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } });

        tensor[2, 1].Should().Be(6);
        tensor.Row(1).ToArray().Should().Equal(3, 4);
        tensor.To2DArray().Should().BeEquivalentTo(new double[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } });
    }

    [Fact]
    public void Indexer_OutsideShape_Throws()
    {
        var tensor = Tensor.Zeros(2, 2);

        var act = () => tensor[2, 0];

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*[2, 0]*[2, 2]*");
    }

    [Fact]
    public void Zeros_NegativeDimension_Throws()
    {
        var act = () => Tensor.Zeros(3, -1);

        act.Should().Throw<ArgumentException>().WithMessage("*[3, -1]*");
    }

    [Fact]
    public void Clone_IsIndependentOfOriginal()
    {
        var tensor = Tensor.FromArray([1.0, 2.0]);

        var copy = tensor.Clone();
        copy[0] = 10;

        tensor[0].Should().Be(1.0);
    }

    [Fact]
    public void ArgMaxRows_ReturnsFirstLargestPerRow()
    {
        var tensor = Tensor.FromArray(new double[,] { { 0.1, 0.7, 0.2 }, { 0.5, 0.1, 0.5 } });

        tensor.ArgMaxRows().Should().Equal(1, 0);
    }

    [Fact]
    public void CopyFrom_DifferentShape_ThrowsAndKeepsValues()
    {
        var tensor = Tensor.Full(7.0, 2, 2);

        var act = () => tensor.CopyFrom(Tensor.Zeros(4));

        act.Should().Throw<ArgumentException>().WithMessage("*[2, 2]*[4]*");
        tensor.AsReadOnlySpan().ToArray().Should().AllBeEquivalentTo(7.0);
    }
}
