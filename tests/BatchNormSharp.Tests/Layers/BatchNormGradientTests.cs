namespace BatchNormSharp.Tests;

/// <summary>
/// BatchNorm's backward pass against centred finite differences (GUIDE §3): dL/dx, dL/dγ and dL/dβ, inputs
/// <c>5 · randn + 12</c>, a random upstream gradient, every small shape, both modes and every configuration.
/// </summary>
public class BatchNormGradientTests(ITestOutputHelper output)
{
    public static TheoryData<int, int> Shapes => GradientShapes.All();

    public static TheoryData<int, int, ForwardMode> ShapesAndModes => GradientShapes.AllWithModes();

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Backward_TrainingAffine_MatchesFiniteDifferences(int rows, int features)
    {
        var layer = Create(features);

        Check(layer, rows, ForwardMode.Training, $"BatchNorm training affine N={rows} D={features}");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Backward_TrainingNotAffine_MatchesFiniteDifferences(int rows, int features)
    {
        var layer = Create(features, affine: false);

        Check(layer, rows, ForwardMode.Training, $"BatchNorm training not affine N={rows} D={features}");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Backward_InferenceAffineFrozenStatistics_MatchesFiniteDifferences(int rows, int features)
    {
        var layer = Create(features);
        SetRunningStatistics(layer);

        Check(layer, rows, ForwardMode.Inference, $"BatchNorm inference affine N={rows} D={features}");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Backward_InferenceNotAffineFrozenStatistics_MatchesFiniteDifferences(int rows, int features)
    {
        var layer = Create(features, affine: false);
        SetRunningStatistics(layer);

        Check(layer, rows, ForwardMode.Inference, $"BatchNorm inference not affine N={rows} D={features}");
    }

    [Theory]
    [MemberData(nameof(ShapesAndModes))]
    public void Backward_NoRunningStatistics_MatchesFiniteDifferences(int rows, int features, ForwardMode mode)
    {
        // Without running statistics both modes normalise with the batch's own statistics.
        var layer = Create(features, trackRunningStats: false);

        Check(layer, rows, mode, $"BatchNorm no running stats {mode} N={rows} D={features}");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Backward_MomentumNullTraining_MatchesFiniteDifferences(int rows, int features)
    {
        var layer = Create(features, momentum: null);
        layer.Forward(TestData.Normal(3, features, seed: 40, mean: 12, spread: 5), ForwardMode.Training);

        Check(layer, rows, ForwardMode.Training, $"BatchNorm momentum null training N={rows} D={features}");
    }

    private void Check(BatchNorm layer, int rows, ForwardMode mode, string title)
    {
        var input = TestData.Normal(rows, layer.NumFeatures, seed: 100 + rows, mean: 12, spread: 5);
        var before = StateSnapshot.Of(layer);

        var report = GradientChecker.CheckLayer(layer, input, mode, upstreamSeed: 200 + rows);

        report.WriteTo(output, title);
        report.ShouldPass();
        report.Comparisons.Should().HaveCount(layer.Affine ? 3 : 1, "dx and, when affine, dγ and dβ are checked");
        before.ShouldBeUnchanged("the check must not disturb running statistics");
    }

    private static BatchNorm Create(int features, bool affine = true, bool trackRunningStats = true, double? momentum = 0.1)
    {
        var layer = new BatchNorm(features, momentum: momentum, affine: affine, trackRunningStats: trackRunningStats);
        if (affine)
        {
            // γ away from 1 and β away from 0, so that a gradient that ignores either is caught.
            TestData.Set(layer.Weight!.Value, TestData.NormalVector(features, seed: 11, mean: 1.0, spread: 0.5).ToArray());
            TestData.Set(layer.Bias!.Value, TestData.NormalVector(features, seed: 12).ToArray());
        }
        return layer;
    }

    /// <summary>Running statistics far from the initial 0 / 1 (and from the batch's), as after real training.</summary>
    private static void SetRunningStatistics(BatchNorm layer)
    {
        int features = layer.NumFeatures;
        TestData.Set(layer.RunningMean!, TestData.NormalVector(features, seed: 13, mean: 11, spread: 2).ToArray());
        var variance = TestData.NormalVector(features, seed: 14, mean: 20, spread: 4).ToArray();
        TestData.Set(layer.RunningVar!, [.. variance.Select(Math.Abs)]);
    }
}
