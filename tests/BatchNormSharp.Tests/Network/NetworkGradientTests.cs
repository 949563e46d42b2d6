namespace BatchNormSharp.Tests;

/// <summary>
/// The whole network Dense → BatchNorm → ReLU → Dense → BatchNorm → softmax cross-entropy against finite
/// differences: dL/dx and every parameter of every layer, in both modes.
/// </summary>
public class NetworkGradientTests(ITestOutputHelper output)
{
    public static TheoryData<int, int> Shapes => GradientShapes.All();

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Backward_TrainingMode_MatchesFiniteDifferences(int rows, int inFeatures)
    {
        var layers = Network(inFeatures);

        Check(layers, rows, inFeatures, ForwardMode.Training);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Backward_InferenceModeAfterTraining_MatchesFiniteDifferences(int rows, int inFeatures)
    {
        var layers = Network(inFeatures);
        for (int step = 0; step < 3; step++)
        {
            LayerChain.Forward(layers, TestData.Normal(8, inFeatures, seed: 300 + step, mean: 12, spread: 5),
                ForwardMode.Training);
        }

        Check(layers, rows, inFeatures, ForwardMode.Inference);
    }

    private void Check(Layer[] layers, int rows, int inFeatures, ForwardMode mode)
    {
        var input = TestData.Normal(rows, inFeatures, seed: 400 + rows, mean: 12, spread: 5);
        var labels = TestData.Labels(rows, 3, seed: 500 + rows);
        var before = StateSnapshot.Of(layers);

        var report = GradientChecker.Check(new NetworkObjective(layers, labels, mode), input);

        report.WriteTo(output, $"Network {mode} N={rows} in={inFeatures}");
        report.Comparisons.Select(c => c.Name).Should().Equal(
            "input", "0.weight", "0.bias", "1.weight", "1.bias", "3.weight", "3.bias", "4.weight", "4.bias");
        report.ShouldPass();
        before.ShouldBeUnchanged("the check must not disturb running statistics");
    }

    private static Layer[] Network(int inFeatures)
    {
        var random = new Random(7);
        var norm1 = new BatchNorm(6);
        var norm2 = new BatchNorm(3);
        // γ and β away from 1 and 0, so that their gradients are not special.
        TestData.Set(norm1.Weight!.Value, TestData.NormalVector(6, seed: 8, mean: 1, spread: 0.3).ToArray());
        TestData.Set(norm1.Bias!.Value, TestData.NormalVector(6, seed: 9, spread: 0.3).ToArray());
        TestData.Set(norm2.Weight!.Value, TestData.NormalVector(3, seed: 10, mean: 1, spread: 0.3).ToArray());
        TestData.Set(norm2.Bias!.Value, TestData.NormalVector(3, seed: 11, spread: 0.3).ToArray());
        return [new Dense(inFeatures, 6, random), norm1, new ReLU(), new Dense(6, 3, random), norm2];
    }
}
