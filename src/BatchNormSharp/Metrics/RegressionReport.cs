namespace BatchNormSharp;

/// <summary>The errors of a regression, from <see cref="RegressionMetrics.Evaluate"/>.</summary>
/// <param name="Mse">The mean squared error.</param>
/// <param name="Mae">The mean absolute error.</param>
/// <param name="Rmse">The root of the mean squared error, in the targets' unit.</param>
public sealed record RegressionReport(double Mse, double Mae, double Rmse);
