using System.Globalization;

namespace BatchNormSharp.Tests.Functions;

/// <summary>
/// <see cref="BnLstmSequence"/> against the PyTorch BN-LSTM cells of <c>gen_lstm_vectors.py</c> (an unrolled loop of
/// <c>nn.BatchNorm1d</c> modules, autograd): three training batches then two inference batches; outputs, every
/// gradient and every running statistic after each batch within 1e-10.
/// </summary>
public class BnLstmSequenceReferenceTests(ITestOutputHelper output)
{
    private const double Limit = 1e-10;

    [Theory]
    [InlineData("bnlstm_seed.json")]
    [InlineData("bnlstm_cooijmans.json")]
    public void Batches_TrainThenEval_MatchPyTorch(string fileName)
    {
        var c = ReferenceFiles.Load<BnLstmCase>(fileName);
        var variant = c.Variant == "seed" ? BnLstmVariant.SharedGateStatistics : BnLstmVariant.Cooijmans;
        var harness = new BnLstmHarness(variant, c.InputSize, c.HiddenSize, c.MaxLength ?? 1);
        foreach (var (name, value, _) in harness.NamedParameters())
        {
            c.Parameters[name].Data.CopyTo(value.Span);
        }

        double worstOverall = 0.0;
        for (int k = 0; k < c.Batches.Count; k++)
        {
            var batch = c.Batches[k];
            int B = c.Batch, T = batch.Time, H = c.HiddenSize;
            double[] y = new double[B * T * H], hN = new double[B * H], cN = new double[B * H], dx = new double[B * T * c.InputSize];
            harness.ZeroGradients();
            harness.Sequence.Forward(B, T, batch.Tensors["x"].Data, harness.Parameters, batch.Mode == "train", y, hN, cN);
            harness.Sequence.Backward(batch.Tensors["dy"].Data, batch.Tensors["dh_n"].Data, batch.Tensors["dc_n"].Data,
                harness.Parameters, dx);

            var deviations = new List<(string Name, double Deviation)>
            {
                ("y", LstmSequenceReferenceTests.Of(y, batch.Tensors["y"])),
                ("h_n", LstmSequenceReferenceTests.Of(hN, batch.Tensors["h_n"])),
                ("c_n", LstmSequenceReferenceTests.Of(cN, batch.Tensors["c_n"])),
                ("dx", LstmSequenceReferenceTests.Of(dx, batch.Tensors["dx"])),
            };
            foreach (var (name, _, gradient) in harness.NamedParameters())
            {
                deviations.Add(("d" + name, GradientDeviation(name, gradient.Span, batch.Gradients[name])));
            }
            var buffers = harness.NamedBuffers().ToList();
            buffers.Select(b => b.Name).Should().BeEquivalentTo(batch.Buffers.Keys, "every buffer of the reference, no more");
            foreach (var (name, value) in buffers)
            {
                deviations.Add((name, LstmSequenceReferenceTests.Of(value, batch.Buffers[name])));
            }

            double worst = deviations.Max(d => d.Deviation);
            var (worstName, _) = deviations.First(d => d.Deviation == worst);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{c.Name} batch {k} ({batch.Mode}, T={T}): worst {worst:E2} ({worstName})"));
            worstOverall = Math.Max(worstOverall, worst);
            deviations.Should().AllSatisfy(d => d.Deviation.Should().BeLessThanOrEqualTo(Limit, $"batch {k}: {d.Name}"));
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{c.Name}: worst over all batches {worstOverall:E2}"));
    }

    /// <summary>
    /// The seed's bias reaches the loss only through BatchNorm in training, which removes it: its gradient is zero up
    /// to rounding (torch: 1e-17), so it is compared absolutely against the scale of the weights' gradients there.
    /// </summary>
    private static double GradientDeviation(string name, ReadOnlySpan<double> actual, JsonTensor reference)
    {
        double scale = reference.Data.Max(Math.Abs);
        if (name == "bias" && scale < 1e-12)
        {
            double worst = 0.0;
            for (int i = 0; i < actual.Length; i++)
            {
                worst = Math.Max(worst, Math.Abs(actual[i] - reference.Data[i]));
            }
            return worst;
        }
        return LstmSequenceReferenceTests.Of(actual, reference);
    }
}
