namespace BatchNormSharp.Onnx.Tests.Helpers;

/// <summary>
/// The largest <c>|actual - expected|</c> divided by the largest <c>|expected|</c> of its row: relative to the row's
/// scale, because an element-wise ratio would be meaningless for a logit near zero.
/// </summary>
internal static class RowDeviation
{
    public static double Max(Tensor actual, Tensor expected)
    {
        actual.Shape.ToArray().Should().Equal(expected.Shape.ToArray());
        double worst = 0;
        int rows = expected.Shape[0], columns = expected.Shape[1];
        for (int i = 0; i < rows; i++)
        {
            double scale = 0;
            for (int j = 0; j < columns; j++)
            {
                scale = Math.Max(scale, Math.Abs(expected[i, j]));
            }
            for (int j = 0; j < columns; j++)
            {
                double difference = Math.Abs(actual[i, j] - expected[i, j]);
                worst = Math.Max(worst, double.IsNaN(difference) ? double.PositiveInfinity
                    : difference / Math.Max(scale, double.Epsilon));
            }
        }
        return worst;
    }
}
