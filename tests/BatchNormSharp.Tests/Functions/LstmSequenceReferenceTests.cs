using System.Globalization;

namespace BatchNormSharp.Tests.Functions;

/// <summary>
/// <see cref="LstmSequence"/> against <c>torch.nn.LSTM(batch_first=True)</c> in float64: every
/// <c>Reference/lstm_*.json</c> case (outputs, h_n, c_n and the gradients of the input, the initial state and every
/// parameter) within 1e-10.
/// </summary>
public class LstmSequenceReferenceTests(ITestOutputHelper output)
{
    private const double Limit = 1e-10;

    public static TheoryData<string> Cases => [.. CaseFiles()];

    private static IEnumerable<string> CaseFiles() =>
        Directory.GetFiles(ReferenceFiles.Folder, "lstm_*.json").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal);

    [Fact]
    public void ReferenceFolder_HoldsTheIssueShapes()
    {
        CaseFiles().Should().Contain(
            ["lstm_one_step.json", "lstm_sixty_steps.json", "lstm_two_layers.json", "lstm_initial_state.json"]);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardAndBackward_ReferenceCase_MatchesPyTorch(string fileName)
    {
        var c = ReferenceFiles.Load<LstmCase>(fileName);
        var harness = new LstmHarness(c.Batch, c.Time, c.InputSize, c.HiddenSize, c.NumLayers);
        foreach (var (name, value, _) in harness.NamedParameters())
        {
            c.Parameters[name].Data.CopyTo(value.Span);
        }
        double[]? h0 = c.HasInitialState ? c.Tensors["h0"].Data : null;
        double[]? c0 = c.HasInitialState ? c.Tensors["c0"].Data : null;

        harness.Differentiate(c.Tensors["x"].Data, h0, c0,
            c.Tensors["dy"].Data, c.Tensors["dh_n"].Data, c.Tensors["dc_n"].Data);

        var deviations = new List<(string Name, double Deviation)>
        {
            ("y", Of(harness.Output, c.Tensors["y"])),
            ("h_n", Of(harness.FinalHidden, c.Tensors["h_n"])),
            ("c_n", Of(harness.FinalCell, c.Tensors["c_n"])),
            ("dx", Of(harness.InputGradient, c.Tensors["dx"])),
        };
        if (c.HasInitialState)
        {
            deviations.Add(("dh0", Of(harness.InitialHiddenGradient, c.Tensors["dh0"])));
            deviations.Add(("dc0", Of(harness.InitialCellGradient, c.Tensors["dc0"])));
        }
        foreach (var (name, _, gradient) in harness.NamedParameters())
        {
            deviations.Add(("d" + name, Of(gradient.Span, c.Gradients[name])));
        }

        foreach (var (name, deviation) in deviations)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{c.Name,-28} {name,-14} {deviation:E2}"));
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{c.Name}: worst {deviations.Max(d => d.Deviation):E2}"));
        deviations.Should().AllSatisfy(d => d.Deviation.Should().BeLessThanOrEqualTo(Limit, d.Name));
    }

    /// <summary>
    /// The deviation of a tensor: a scalar or vector element-wise relative; a tensor of rank 2 or more column by column (the last
    /// axis), each element relative to its column's largest reference magnitude (the rule of <see cref="Deviation"/>).
    /// </summary>
    internal static double Of(ReadOnlySpan<double> actual, JsonTensor reference)
    {
        actual.Length.Should().Be(reference.Data.Length, "the result must have the reference's size");
        if (reference.Shape.Length <= 1)
        {
            return Deviation.OfVector(actual, reference.Data);
        }
        int columns = reference.Shape[^1], rows = reference.Data.Length / columns;
        double worst = 0.0;
        for (int j = 0; j < columns; j++)
        {
            double scale = 0.0;
            for (int i = 0; i < rows; i++)
            {
                scale = Math.Max(scale, Math.Abs(reference.Data[i * columns + j]));
            }
            for (int i = 0; i < rows; i++)
            {
                double difference = Math.Abs(actual[i * columns + j] - reference.Data[i * columns + j]);
                double error = scale == 0.0 ? (difference == 0.0 ? 0.0 : double.PositiveInfinity) : difference / scale;
                worst = Math.Max(worst, double.IsNaN(error) ? double.PositiveInfinity : error);
            }
        }
        return worst;
    }
}
