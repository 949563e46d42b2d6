namespace BatchNormSharp.Tests.Metrics;

public class BinaryMetricsTests
{
    [Fact]
    public void RocAuc_WorkedExampleWithTies_IsTwoThirds()
    {
        // Positives score 0.35, 0.8, 0.4; negatives 0.1, 0.4, 0.4. Of the nine (positive, negative) pairs the positive
        // wins 1 + 3 + 1 and ties 2 (0.4 against 0.4, each worth 1/2): (5 + 1) / 9 = 2/3. The trapezoids of the ROC
        // curve through (0, 1/3), (2/3, 2/3), (2/3, 1), (1, 1) give the same: 1/3 + 1/3.
        double[] scores = [0.1, 0.4, 0.35, 0.8, 0.4, 0.4];
        double[] targets = [0, 0, 1, 1, 1, 0];

        BinaryMetrics.RocAuc(scores, targets).Should().BeApproximately(2.0 / 3, 1e-15);
    }

    [Fact]
    public void RocAuc_PerfectAndReversedAndConstantScores_GiveOneZeroAndOneHalf()
    {
        double[] targets = [0, 1, 0, 1];

        BinaryMetrics.RocAuc([0.1, 0.9, 0.2, 0.8], targets).Should().Be(1.0);
        BinaryMetrics.RocAuc([0.9, 0.1, 0.8, 0.2], targets).Should().Be(0.0);
        BinaryMetrics.RocAuc([0.5, 0.5, 0.5, 0.5], targets).Should().Be(0.5);
    }

    [Fact]
    public void RocAuc_LogitsOrProbabilities_GiveTheSameArea()
    {
        double[] logits = [-2, 0.3, 1.5, -0.1, 0.3, 4];
        double[] targets = [0, 1, 1, 0, 0, 1];
        double[] probabilities = [.. logits.Select(x => 1 / (1 + Math.Exp(-x)))];

        BinaryMetrics.RocAuc(probabilities, targets).Should().Be(BinaryMetrics.RocAuc(logits, targets));
    }

    [Fact]
    public void RocAuc_OneClassOnly_ThrowsSayingItIsUndefined()
    {
        var act = () => BinaryMetrics.RocAuc([0.2, 0.7], [1, 1]);

        act.Should().Throw<ArgumentException>().WithMessage("The ROC AUC needs examples of both classes, but all 2 targets are 1*");
    }

    [Fact]
    public void Accuracy_ProbabilityAtTheThreshold_CountsAsClassZeroAsKeras()
    {
        BinaryMetrics.Accuracy([0.5, 0.51, 0.2, 0.9], [0, 1, 0, 0]).Should().Be(0.75);
        BinaryMetrics.Accuracy([-0.1, 0.1], [0, 1], threshold: 0).Should().Be(1.0);
    }

    [Fact]
    public void Accuracy_TargetOfTwo_Throws()
    {
        var act = () => BinaryMetrics.Accuracy([0.5], [2]);

        act.Should().Throw<ArgumentException>().WithMessage("Binary targets must be 0 or 1, but target 0 is 2.*");
    }
}
