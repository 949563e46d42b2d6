using System.Globalization;

namespace BatchNormSharp.Tests.Functions;

/// <summary>
/// Gradient checks of <see cref="LstmSequence"/> in double: centred differences for every
/// entry of the input, h0, c0 and every parameter, with random upstream gradients on the output sequence, h_n and c_n.
/// </summary>
public class LstmSequenceGradientTests(ITestOutputHelper output)
{
    private const double Step = 1e-6;

    public static TheoryData<int, int, int, int, int, bool, double, double> Shapes => new()
    {
        // batch, time, input, hidden, layers, initial state, input mean, input spread
        { 3, 1, 2, 3, 1, false, 0.0, 1.0 },
        { 2, 5, 3, 4, 1, false, 0.0, 1.0 },
        { 4, 5, 2, 3, 2, false, 0.0, 1.0 },
        { 2, 4, 3, 3, 2, true, 0.0, 1.0 },
        { 7, 3, 1, 5, 1, true, 12.0, 5.0 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Backward_RandomUpstream_MatchesCentredDifferences(
        int batch, int time, int inputSize, int hidden, int layers, bool initialState, double mean, double spread)
    {
        var random = new Random(batch * 1000 + time * 100 + hidden * 10 + layers);
        var harness = new LstmHarness(batch, time, inputSize, hidden, layers);
        foreach (var (_, value, _) in harness.NamedParameters())
        {
            Fill(value.Span, random, 0.0, 0.5);
        }
        double[] x = Normal(batch * time * inputSize, random, mean, spread);
        int state = layers * batch * hidden;
        double[]? h0 = initialState ? Normal(state, random, 0.0, 1.0) : null;
        double[]? c0 = initialState ? Normal(state, random, 0.0, 1.0) : null;
        double[] dy = Normal(batch * time * hidden, random, 0.0, 1.0);
        double[] dhN = Normal(state, random, 0.0, 1.0), dcN = Normal(state, random, 0.0, 1.0);

        harness.Differentiate(x, h0, c0, dy, dhN, dcN);
        var analytic = new List<(string Name, double[] Values, Memory<double> Target)>
        {
            ("x", (double[])harness.InputGradient.Clone(), x),
        };
        if (initialState)
        {
            analytic.Add(("h0", (double[])harness.InitialHiddenGradient.Clone(), h0!));
            analytic.Add(("c0", (double[])harness.InitialCellGradient.Clone(), c0!));
        }
        foreach (var (name, value, gradient) in harness.NamedParameters())
        {
            analytic.Add((name, gradient.ToArray(), value));
        }

        double worst = 0.0;
        foreach (var (name, values, target) in analytic)
        {
            var (error, index, numeric) = GradientChecker.WorstEntry(values, target.Span,
                () => harness.Objective(x, h0, c0, dy, dhN, dcN), Step);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"dL/d{name,-12} worst relative error {error:E2} at [{index}] (analytic {values[index]:R}, numeric {numeric:R})"));
            worst = Math.Max(worst, error);
            error.Should().BeLessThanOrEqualTo(GradientChecker.Tolerance, $"dL/d{name}[{index}]");
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"worst over all tensors: {worst:E2}"));
    }

    private static double[] Normal(int length, Random random, double mean, double spread)
    {
        var values = new double[length];
        Fill(values, random, mean, spread);
        return values;
    }

    private static void Fill(Span<double> values, Random random, double mean, double spread)
    {
        for (int i = 0; i < values.Length; i++)
        {
            // Box–Muller: one normal draw from two uniforms.
            double u = 1.0 - random.NextDouble(), v = random.NextDouble();
            values[i] = mean + spread * Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * v);
        }
    }
}
