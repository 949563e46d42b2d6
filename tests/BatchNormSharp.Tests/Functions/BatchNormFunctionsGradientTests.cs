using System.Globalization;

namespace BatchNormSharp.Tests.Functions;

/// <summary>
/// Gradient checks of <see cref="BatchNormFunctions.Backward"/> on <c>[N, C, L]</c> inputs, in double: centred
/// differences of <c>L = Σ w · y</c> with a random upstream gradient <c>w</c> (all ones would make dx vanish) and inputs
/// of <c>5 · randn + 12</c>, in the training form (batch statistics) and the frozen form (running statistics).
/// </summary>
public class BatchNormFunctionsGradientTests(ITestOutputHelper output)
{
    private const double Step = 1e-5;
    private const double Eps = 1e-5;

    public static TheoryData<int, int, int> Shapes => new()
    {
        { 2, 1, 3 }, { 4, 5, 2 }, { 7, 1, 5 }, { 1, 3, 4 }, { 3, 2, 9 }, { 2, 3, 17 }, { 7, 5, 1 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Backward_BatchStatistics_MatchesCentredDifferences(int n, int c, int l) =>
        Check(new BatchNormShape(n, c, l), frozen: false, seed: (n * 100) + (c * 10) + l);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Backward_FrozenStatistics_MatchesCentredDifferences(int n, int c, int l) =>
        Check(new BatchNormShape(n, c, l), frozen: true, seed: (n * 100) + (c * 10) + l + 1);

    private void Check(BatchNormShape shape, bool frozen, int seed)
    {
        var random = new Random(seed);
        double[] x = Normal(random, shape.Elements, 5, 12);
        double[] w = Normal(random, shape.Elements, 1, 0);
        double[] gamma = Normal(random, shape.Features, 1, 1);
        double[] beta = Normal(random, shape.Features, 1, 0);
        double[] runningMean = Normal(random, shape.Features, 2, 12);
        double[] runningVar = [.. Normal(random, shape.Features, 5, 0).Select(v => Math.Abs(v) + 20)];
        var cache = new BatchNormCache(shape.Features);

        double Loss()
        {
            var y = new double[shape.Elements];
            if (frozen)
            {
                BatchNormFunctions.FrozenForward(x, shape, runningMean, runningVar, gamma, beta, Eps, cache, y);
            }
            else
            {
                BatchNormFunctions.TrainingForward(x, shape, gamma, beta, Eps, cache, y).Should().Be(-1);
            }
            double sum = 0;
            for (int i = 0; i < y.Length; i++)
            {
                sum += w[i] * y[i];
            }
            return sum;
        }

        Loss();
        var dx = new double[shape.Elements];
        var dgamma = new double[shape.Features];
        var dbeta = new double[shape.Features];
        BatchNormFunctions.Backward(w, x, shape, gamma, cache, dx, dgamma, dbeta);

        // The rounding of a difference quotient: ε · Σ|w · y| / h; entries of about that size are judged against it.
        double floor = 1e-16 * shape.Elements * 4 / Step / GradientChecker.Tolerance;
        var worst = new[] { Compare("x", x, dx, Loss, floor), Compare("gamma", gamma, dgamma, Loss, floor),
            Compare("beta", beta, dbeta, Loss, floor) };
        foreach (var line in worst)
        {
            output.WriteLine(line.Text);
        }
        worst.Should().AllSatisfy(r => r.Error.Should().BeLessThanOrEqualTo(GradientChecker.Tolerance, r.Text));
    }

    private static (double Error, string Text) Compare(string name, double[] values, double[] analytic,
        Func<double> loss, double floor)
    {
        double worst = 0;
        string text = name + ": exact";
        for (int i = 0; i < values.Length; i++)
        {
            double original = values[i];
            values[i] = original + Step;
            double up = loss();
            values[i] = original - Step;
            double down = loss();
            values[i] = original;
            double numeric = (up - down) / (2 * Step);
            double error = GradientChecker.RelativeError(analytic[i], numeric, floor);
            if (error >= worst)
            {
                worst = error;
                text = string.Create(CultureInfo.InvariantCulture,
                    $"dL/d{name}: worst relative error {error:E2} at [{i}]: analytic {analytic[i]:R}, numeric {numeric:R}");
            }
        }
        return (worst, text);
    }

    private static double[] Normal(Random random, int count, double scale, double offset)
    {
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            // Box-Muller: a normal deviate from two uniform ones.
            double u = 1.0 - random.NextDouble(), v = random.NextDouble();
            values[i] = offset + (scale * Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * v));
        }
        return values;
    }
}
