namespace BatchNormSharp.Tests.Metrics;

public class RegressionMetricsTests
{
    [Fact]
    public void Evaluate_HandExample_GivesMseMaeRmse()
    {
        // Errors -1, 0, -2: MSE = 5/3, MAE = 1, RMSE = sqrt(5/3).
        var report = RegressionMetrics.Evaluate([1, 2, 3], [2, 2, 5]);

        report.Should().Be(new RegressionReport(5.0 / 3, 1.0, Math.Sqrt(5.0 / 3)));
    }

    [Fact]
    public void Evaluate_NaNTarget_Throws()
    {
        var act = () => RegressionMetrics.Evaluate([1, 2], [1, double.NaN]);

        act.Should().Throw<ArgumentException>().WithMessage("Expected finite targets, but entry 1 is NaN*");
    }

    [Fact]
    public void Evaluate_Empty_Throws()
    {
        var act = () => RegressionMetrics.Evaluate([], []);

        act.Should().Throw<ArgumentException>().WithMessage("Expected at least one example*");
    }
}
