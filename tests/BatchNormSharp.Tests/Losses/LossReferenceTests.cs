using System.Globalization;

namespace BatchNormSharp.Tests;

/// <summary>
/// Every loss against PyTorch (<c>Reference/loss_vectors.json</c>): the mean loss and dL/d(predictions), to 1e-12
/// (<see cref="Deviation"/>; a gradient column relative to its largest magnitude, since gradients cross zero).
/// </summary>
public class LossReferenceTests(ITestOutputHelper output)
{
    private const double Limit = 1e-12;

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (string name in ReferenceFiles.Load<LossReference>("loss_vectors.json").Cases.Keys)
        {
            data.Add(name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardBackward_ReferenceCase_MatchesPyTorch(string name)
    {
        var reference = ReferenceFiles.Load<LossReference>("loss_vectors.json").Cases[name];
        var loss = reference.CreateLoss();

        double value = loss.Forward(reference.PredictionTensor(), reference.TargetTensor());
        var gradient = loss.Backward();

        var table = new DeviationTable(name);
        table.Add("loss", Deviation.OfScalar(value, reference.Loss));
        table.Add("grad", OfColumns(gradient, reference.GradValues()));
        table.WriteTo(output);
        table.ShouldAllBeWithin(Limit);
    }

    [Theory]
    [InlineData("ce_7x5")]
    [InlineData("ce_4x3_large")]
    public void Forward_IntLabelsAndTensorTargets_GiveTheSameBits(string name)
    {
        var reference = ReferenceFiles.Load<LossReference>("loss_vectors.json").Cases[name];
        var targets = reference.TargetTensor();
        int[] labels = [.. targets.ToArray().Select(t => (int)t)];
        var fromLabels = new SoftmaxCrossEntropy();
        var fromTensor = new SoftmaxCrossEntropy();

        double a = fromLabels.Forward(reference.PredictionTensor(), labels);
        double b = fromTensor.Forward(reference.PredictionTensor(), targets);

        b.Should().Be(a);
        fromTensor.Backward().ToArray().Should().Equal(fromLabels.Backward().ToArray());
    }

    /// <summary>The deviation of a gradient, each column against its largest reference magnitude.</summary>
    private static double OfColumns(Tensor actual, double[] reference)
    {
        int columns = actual.Rank == 2 ? actual.Shape[1] : 1;
        int rows = reference.Length / columns;
        var expected = new double[rows][];
        for (int i = 0; i < rows; i++)
        {
            expected[i] = reference.AsSpan(i * columns, columns).ToArray();
        }
        actual.Length.Should().Be(reference.Length, CultureInfo.InvariantCulture.ToString());
        return Deviation.OfMatrix(Tensor.FromSpan(actual.AsReadOnlySpan(), rows, columns), expected);
    }
}
