namespace BatchNormSharp.Tests.Metrics;

public class ClassificationMetricsTests
{
    // Nine examples of three classes; rows of the confusion matrix (true class) are [1 1 0], [1 2 0], [1 1 2].
    private static readonly int[] Actual = [0, 0, 1, 1, 1, 2, 2, 2, 2];
    private static readonly int[] Predicted = [0, 1, 1, 1, 0, 2, 2, 1, 0];

    [Fact]
    public void Accuracy_ThreeOfFour_IsThreeQuarters() =>
        ClassificationMetrics.Accuracy([0, 2, 2, 1], [0, 1, 2, 1]).Should().Be(0.75);

    [Fact]
    public void AccuracyFromScores_TiedRow_CountsTheFirstLargest()
    {
        // Row 0 ties classes 1 and 2: the first (1) is the prediction, as torch.argmax.
        double[] scores = [0, 5, 5, 9, 1, 1];

        ClassificationMetrics.AccuracyFromScores(scores, 3, [1, 0]).Should().Be(1.0);
        ClassificationMetrics.AccuracyFromScores(scores, 3, [2, 0]).Should().Be(0.5);
    }

    [Fact]
    public void ConfusionMatrix_HandExample_CountsEveryPair()
    {
        var matrix = ClassificationMetrics.ConfusionMatrix(Actual, Predicted, 3);

        int[,] expected = { { 1, 1, 0 }, { 1, 2, 0 }, { 1, 1, 2 } };
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                matrix[i, j].Should().Be(expected[i, j]);
            }
        }
        matrix.Total.Should().Be(9);
    }

    [Fact]
    public void Report_HandExample_GivesPerClassAndMacroFigures()
    {
        var report = ClassificationMetrics.ConfusionMatrix(Actual, Predicted, 3).Report();

        // Precision = diagonal / column sum, recall = diagonal / row sum, F1 = 2PR / (P + R).
        report.Precision.Should().Equal([1.0 / 3, 2.0 / 4, 2.0 / 2], Close);
        report.Recall.Should().Equal([1.0 / 2, 2.0 / 3, 2.0 / 4], Close);
        report.F1.Should().Equal([0.4, 4.0 / 7, 2.0 / 3], Close);
        report.Support.Should().Equal(2, 3, 4);
        report.MacroPrecision.Should().BeApproximately(11.0 / 18, 1e-15);
        report.MacroRecall.Should().BeApproximately(5.0 / 9, 1e-15);
        report.MacroF1.Should().BeApproximately((0.4 + (4.0 / 7) + (2.0 / 3)) / 3, 1e-15);
        report.Accuracy.Should().BeApproximately(5.0 / 9, 1e-15);
    }

    [Fact]
    public void Report_ClassNeverPredicted_HasPrecisionZeroAsSklearn()
    {
        var report = ClassificationMetrics.ConfusionMatrix([0, 1, 2], [0, 1, 1], 3).Report();

        report.Precision[2].Should().Be(0.0);
        report.Recall[2].Should().Be(0.0);
        report.F1[2].Should().Be(0.0);
    }

    [Fact]
    public void ConfusionMatrix_LabelOutOfRange_ThrowsNamingIt()
    {
        var act = () => ClassificationMetrics.ConfusionMatrix([0, 3], [0, 1], 3);

        act.Should().Throw<ArgumentException>().WithMessage("Class indices must lie in [0, 3), but entry 1 is 3.*");
    }

    [Fact]
    public void Accuracy_DifferentLengths_Throws()
    {
        var act = () => ClassificationMetrics.Accuracy([0, 1], [0, 1, 1]);

        act.Should().Throw<ArgumentException>().WithMessage("Expected one prediction per example (3), but got 2.*");
    }

    private static bool Close(double a, double b) => Math.Abs(a - b) <= 1e-15;
}
