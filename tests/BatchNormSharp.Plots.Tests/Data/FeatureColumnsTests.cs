namespace BatchNormSharp.Plots.Tests.Data;

public sealed class FeatureColumnsTests
{
    [Fact]
    public void Of_Batch_ReturnsOneColumnPerFeature()
    {
        var batch = Tensor.FromArray(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });

        var columns = FeatureColumns.Of(batch);

        columns.Should().BeEquivalentTo(new double[][] { [1, 4], [2, 5], [3, 6] }, o => o.WithStrictOrdering());
        batch.ToArray().Should().Equal(1, 2, 3, 4, 5, 6);
    }

    [Fact]
    public void Of_Vector_ThrowsArgumentException()
    {
        var act = () => FeatureColumns.Of(Tensor.FromArray([1.0, 2.0]));

        act.Should().Throw<ArgumentException>().WithParameterName("batch").WithMessage("*[rows, features]*");
    }
}
