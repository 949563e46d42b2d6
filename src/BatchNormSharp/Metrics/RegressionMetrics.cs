namespace BatchNormSharp;

/// <summary>Metrics of a regression: mean squared error, mean absolute error and their root. Pure functions.</summary>
public static class RegressionMetrics
{
    /// <summary>MSE, MAE and RMSE of <paramref name="predictions"/> against <paramref name="targets"/>, over every
    /// element (sklearn's <c>mean_squared_error</c>, <c>mean_absolute_error</c>, and the root of the first).</summary>
    /// <param name="predictions">The predicted values.</param>
    /// <param name="targets">The true values, one per prediction.</param>
    /// <returns>The three errors.</returns>
    /// <exception cref="ArgumentException">The spans are empty or of different lengths, or a target is NaN or
    /// infinite.</exception>
    public static RegressionReport Evaluate(ReadOnlySpan<double> predictions, ReadOnlySpan<double> targets)
    {
        MetricChecks.NotEmpty(targets.Length, nameof(targets));
        MetricChecks.SameLength(targets.Length, predictions.Length, "prediction", nameof(predictions));
        MetricChecks.Finite(targets, "targets", nameof(targets));
        double squared = 0.0, absolute = 0.0;
        for (int i = 0; i < targets.Length; i++)
        {
            double error = predictions[i] - targets[i];
            squared += error * error;
            absolute += Math.Abs(error);
        }
        double mse = squared / targets.Length;
        return new RegressionReport(mse, absolute / targets.Length, Math.Sqrt(mse));
    }
}
