using MathNet.Numerics.LinearAlgebra;

namespace BatchNormSharp.Tests;

/// <summary>
/// The tensor's one invariant — its storage holds exactly the product of its shape, with overflow checked — and the
/// documented exceptions of its factories and indexers (issue 13, items 1 and 7).
/// </summary>
public class TensorInvariantTests
{
    [Fact]
    public void FromMatrix_SparseMatrixWhoseSizeOverflowsInt_ThrowsArgumentExceptionInsteadOfAShortTensor()
    {
        // MathNet computes 65537 * 65536 in int: 2^32 + 65536 wraps to 65,536 values under a [65537, 65536] shape,
        // which the BatchNorm kernels then read far past (a process crash).
        var matrix = Matrix<double>.Build.Sparse(65537, 65536);

        var act = () => Tensor.FromMatrix(matrix);

        act.Should().Throw<ArgumentException>()
            .WithMessage("Shape [65537, 65536] has more elements than an array can hold*");
    }

    [Theory]
    [InlineData(new[] { 2147483591, 0 })]
    [InlineData(new[] { 0, 2147483591 })]
    [InlineData(new[] { 65536, 65536, 0 })]
    public void Zeros_AZeroBesideDimensionsAnArrayCanHold_IsEmptyWhereverTheZeroStands(int[] shape)
    {
        var tensor = Tensor.Zeros(shape);

        tensor.Length.Should().Be(0);
        tensor.Shape.ToArray().Should().Equal(shape);
        if (tensor.Rank == 2)
        {
            // Neither copy may loop over two billion rows that hold nothing.
            tensor.To2DArray().Length.Should().Be(0);
            Tensor.FromArray(new double[shape[0], shape[1]]).Shape.ToArray().Should().Equal(shape);
        }
    }

    [Theory]
    [InlineData(new[] { 2147483647, 0 })]
    [InlineData(new[] { 0, 2147483592 })]
    public void Zeros_AZeroBesideADimensionNoArrayCanHold_ThrowsArgumentExceptionWhereverTheZeroStands(int[] shape)
    {
        var act = () => Tensor.Zeros(shape);

        act.Should().Throw<ArgumentException>().WithMessage("Shape * or a dimension larger than one (2147483591)*");
    }

    [Theory]
    [InlineData(new[] { 65536, 65536 })]
    [InlineData(new[] { 2147483647, 2 })]
    [InlineData(new[] { 46341, 46341 })]
    [InlineData(new[] { 1024, 1024, 1024, 1024 })]
    public void Zeros_ProductBeyondAnArray_ThrowsArgumentException(int[] shape)
    {
        var act = () => Tensor.Zeros(shape);

        act.Should().Throw<ArgumentException>().WithMessage("Shape * has more elements than an array can hold*");
    }

    [Fact]
    public void Zeros_AllPublicFactories_HoldExactlyTheProductOfTheirShape()
    {
        Tensor[] tensors =
        [
            Tensor.Zeros(3, 4), Tensor.Full(1.5, 2, 0, 5), Tensor.FromArray([1.0, 2.0]),
            Tensor.FromArray(new double[2, 3]), Tensor.FromRows([[1.0, 2.0], [3.0, 4.0]]), Tensor.FromRows([]),
            Tensor.FromSpan(new double[6], 1, 2, 3), Tensor.FromMatrix(Matrix<double>.Build.Sparse(3, 7)),
            Tensor.FromMatrix(Matrix<double>.Build.Diagonal(4, 2)), Tensor.Full(3.0),
        ];

        foreach (var tensor in tensors)
        {
            long product = 1;
            foreach (int dimension in tensor.Shape)
            {
                product *= dimension;
            }
            tensor.Length.Should().Be((int)product, "{0} must hold the product of its shape", tensor);
            tensor.Clone().Length.Should().Be(tensor.Length);
        }
    }

    [Fact]
    public void FromRows_ANullRow_ThrowsArgumentExceptionNamingTheRow()
    {
        var act = () => Tensor.FromRows([new double[3], null!]);

        act.Should().Throw<ArgumentException>()
            .WithMessage("Expected 2 rows of values, but row 1 is null. Pass an array for every row.*")
            .Which.ParamName.Should().Be("rows");
    }

    [Fact]
    public void FromRows_NullFirstRow_ThrowsArgumentException()
    {
        var act = () => Tensor.FromRows([null!, new double[3]]);

        act.Should().Throw<ArgumentException>().WithMessage("*row 0 is null*");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    public void Indexer_VectorIndexPastTheEnd_ThrowsArgumentOutOfRangeNamingTheShape(int index)
    {
        var vector = Tensor.Zeros(3);

        var read = () => vector[index];
        var write = () => vector[index] = 1.0;

        read.Should().Throw<ArgumentOutOfRangeException>()
            .WithMessage($"Index {index} lies outside shape [3]; expected 0 to 2.*");
        write.Should().Throw<ArgumentOutOfRangeException>();
        vector.AsReadOnlySpan().ToArray().Should().Equal(0, 0, 0);
    }

    [Fact]
    public void Indexer_ColumnPastTheEnd_ThrowsArgumentOutOfRangeNamingTheColumn()
    {
        var batch = Tensor.Zeros(2, 3);

        var act = () => batch[1, 3];

        act.Should().Throw<ArgumentOutOfRangeException>()
            .WithMessage("Index [1, 3] lies outside shape [2, 3]; expected rows 0 to 1 and columns 0 to 2.*")
            .Which.ParamName.Should().Be("column");
    }
}
