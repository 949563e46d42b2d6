using BatchNormSharp.Plots;

namespace BatchNormSharp.Plots.Tests;

/// <summary>README.md's pictures example, compiled here so that it cannot drift from the API (the core's
/// <c>ReadmeTests</c> checks that the README block appears in this file). Compiled, not run.</summary>
internal static class ReadmePlotsExamples
{
    private static void Pictures(Tensor before, TrainingHistory history)
    {
        var batchNorm = new BatchNorm(before.Shape[1]);
        Tensor after = batchNorm.Forward(before, ForwardMode.Training);
        DistributionPlots.BeforeAfterHistogram("bn.png", before.ToArray(), after.ToArray());
        DistributionPlots.FeatureStatistics("bn-stats.png", FeatureColumns.Of(before), FeatureColumns.Of(after));
        TrainingPlots.Curves("loss.png", history, TrainingCurve.Loss);
    }
}
