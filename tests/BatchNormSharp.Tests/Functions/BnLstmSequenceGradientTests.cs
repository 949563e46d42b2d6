using System.Globalization;

namespace BatchNormSharp.Tests.Functions;

/// <summary>
/// Gradient checks of both batch-normalised cells in double, in training mode (batch statistics) and in inference mode
/// (frozen running statistics, after two training batches): every entry of the input, the weights, the bias and the
/// normalisations' γ and β, with random upstream gradients on the output sequence, h_n and c_n.
/// </summary>
public class BnLstmSequenceGradientTests(ITestOutputHelper output)
{
    private const double Step = 1e-6;

    public static TheoryData<bool, bool, int, int, int, int> Shapes => new()
    {
        // Cooijmans (else the seed's cell), training, batch, time, input, hidden
        { false, true, 4, 3, 2, 3 },
        { false, true, 2, 1, 1, 2 },
        { false, false, 5, 4, 2, 3 },
        { true, true, 4, 3, 2, 3 },
        { true, true, 7, 5, 1, 2 },
        { true, false, 5, 6, 2, 3 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Backward_RandomUpstream_MatchesCentredDifferences(
        bool cooijmans, bool training, int batch, int time, int inputSize, int hidden)
    {
        var variant = cooijmans ? BnLstmVariant.Cooijmans : BnLstmVariant.SharedGateStatistics;
        var random = new Random(batch * 100 + time * 10 + hidden + (training ? 1 : 0));
        // Cooijmans' statistics stop at 4 steps, so a 5- or 6-step batch also exercises the reuse of the last slot.
        var harness = new BnLstmHarness(variant, inputSize, hidden, maxLength: 4);
        foreach (var (_, value, _) in harness.NamedParameters())
        {
            Fill(value.Span, random, 0.3, 0.5);
        }
        int rows = batch * time;
        var y = new double[rows * hidden];
        var hN = new double[batch * hidden];
        var cN = new double[batch * hidden];
        var dx = new double[rows * inputSize];
        if (!training)
        {
            // Running statistics to freeze: two training batches of a different shape.
            for (int k = 0; k < 2; k++)
            {
                int b = batch + 2, t = time + 1;
                harness.Sequence.Forward(b, t, Normal(b * t * inputSize, random, 2.0, 3.0), harness.Parameters, true,
                    new double[b * t * hidden], new double[b * hidden], new double[b * hidden]);
            }
        }
        double[] x = Normal(rows * inputSize, random, 2.0, 3.0);
        double[] dy = Normal(rows * hidden, random, 0.0, 1.0), dhN = Normal(batch * hidden, random, 0.0, 1.0);
        double[] dcN = Normal(batch * hidden, random, 0.0, 1.0);

        harness.ZeroGradients();
        harness.Sequence.Forward(batch, time, x, harness.Parameters, training, y, hN, cN);
        harness.Sequence.Backward(dy, dhN, dcN, harness.Parameters, dx);

        // A training forward pass moves the running statistics but does not read them, so the repeated forward passes of
        // the differences need no restoring; an inference pass reads them and moves nothing.
        ObjectiveValue Objective()
        {
            harness.Sequence.Forward(batch, time, x, harness.Parameters, training, y, hN, cN);
            double value = 0.0, magnitude = 0.0;
            Add(y, dy, ref value, ref magnitude);
            Add(hN, dhN, ref value, ref magnitude);
            Add(cN, dcN, ref value, ref magnitude);
            return new ObjectiveValue(value, magnitude);
        }

        var tensors = new List<(string Name, double[] Analytic, Memory<double> Target)> { ("x", (double[])dx.Clone(), x) };
        tensors.AddRange(harness.NamedParameters().Select(p => (p.Name, p.Gradient.ToArray(), p.Value)));
        double worst = 0.0;
        foreach (var (name, analytic, target) in tensors)
        {
            var (error, index, numeric) = GradientChecker.WorstEntry(analytic, target.Span, Objective, Step);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"dL/d{name,-18} worst relative error {error:E2} at [{index}] (analytic {analytic[index]:R}, numeric {numeric:R})"));
            worst = Math.Max(worst, error);
            error.Should().BeLessThanOrEqualTo(GradientChecker.Tolerance, $"dL/d{name}[{index}]");
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"worst over all tensors: {worst:E2}"));
    }

    private static void Add(double[] a, double[] b, ref double value, ref double magnitude)
    {
        for (int i = 0; i < a.Length; i++)
        {
            value += a[i] * b[i];
            magnitude += Math.Abs(a[i] * b[i]);
        }
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
            double u = 1.0 - random.NextDouble(), v = random.NextDouble();
            values[i] = mean + spread * Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * v);
        }
    }
}
