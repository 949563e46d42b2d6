using BatchNormSharp.Kernels;

namespace BatchNormSharp.Tests.Kernels;

public class SoftmaxTests
{
    [Theory]
    [InlineData(1, 3)]
    [InlineData(32, 3)]
    [InlineData(5, 10)]
    public void Rows_RandomLogits_MatchMathExpReferenceClosely(int rows, int classes)
    {
        var random = new Random(rows * classes);
        var logits = Enumerable.Range(0, rows * classes).Select(_ => 20 * (random.NextDouble() - 0.5)).ToArray();
        var probabilities = new double[rows * classes];
        var logSumExp = new double[rows];

        Softmax.Rows(logits, rows, classes, probabilities, logSumExp);

        for (int i = 0; i < rows; i++)
        {
            var row = logits.AsSpan(i * classes, classes).ToArray();
            double max = row.Max();
            double sum = row.Sum(z => Math.Exp(z - max));
            logSumExp[i].Should().BeApproximately(max + Math.Log(sum), 1e-14 * Math.Max(1, Math.Abs(max)));
            for (int j = 0; j < classes; j++)
            {
                double expected = Math.Exp(row[j] - max) / sum;
                probabilities[(i * classes) + j].Should().BeApproximately(expected, 1e-15);
            }
        }
    }

    [Fact]
    public void Rows_HugeLogits_StayFinite()
    {
        double[] logits = [1000, 999, -1000, 710, 709, 708];
        var probabilities = new double[6];
        var logSumExp = new double[2];

        Softmax.Rows(logits, 2, 3, probabilities, logSumExp);

        probabilities.Should().OnlyContain(p => double.IsFinite(p));
        logSumExp[0].Should().BeApproximately(1000 + Math.Log(1 + Math.Exp(-1)), 1e-12);
        probabilities[0].Should().BeApproximately(1 / (1 + Math.Exp(-1)), 1e-15);
    }
}
