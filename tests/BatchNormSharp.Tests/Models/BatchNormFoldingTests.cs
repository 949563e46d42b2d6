using System.Globalization;
using BatchNormSharp.Tests.Helpers;

namespace BatchNormSharp.Tests.Models;

public class BatchNormFoldingTests(ITestOutputHelper output)
{
    [Fact]
    public void FoldBatchNorm_TrainedIrisSizedModel_LogitsEqualUnfoldedTo1e12()
    {
        var model = TrainedIrisSizedModel(seed: 3);
        var (inputs, _) = TrainingData.Clusters(rows: 90, features: 4, classes: 3, seed: 11, spread: 2.0);

        var folded = model.FoldBatchNorm();

        double deviation = RowRelativeDeviation(Logits(folded, inputs), Logits(model, inputs));
        output.WriteLine($"folded vs unfolded, largest |a - b| / row scale: {deviation:E2}");
        deviation.Should().BeLessThanOrEqualTo(1e-12);
        folded.Predict(inputs).Classes.Should().Equal(model.Predict(inputs).Classes);
    }

    [Fact]
    public void FoldBatchNorm_DenseFollowedByBatchNorm_BecomesOneDense()
    {
        var folded = TrainingData.IrisModel(seed: 1).FoldBatchNorm();

        folded.Layers.Select(l => l.GetType()).Should().Equal(typeof(Dense), typeof(ReLU), typeof(Dense));
        folded.Mode.Should().Be(ForwardMode.Inference);
    }

    [Fact]
    public void FoldBatchNorm_BatchNormNotAfterDense_StaysABatchNormWithItsStatistics()
    {
        var random = new Random(2);
        var first = new BatchNorm(4, eps: 1e-3, momentum: null);
        RunningStatistics(first, mean: 7.0, variance: 4.0);
        var model = new Sequential(first, new Dense(4, 3, random), new ReLU(), new BatchNorm(3));

        var folded = model.FoldBatchNorm();

        folded.Layers.Select(l => l.GetType()).Should().Equal(typeof(BatchNorm), typeof(Dense), typeof(ReLU),
            typeof(BatchNorm));
        var copy = (BatchNorm)folded.Layers[0];
        copy.Should().NotBeSameAs(first);
        copy.Eps.Should().Be(1e-3);
        copy.Momentum.Should().BeNull();
        copy.RunningMean!.ToArray().Should().Equal(first.RunningMean!.ToArray());
        copy.RunningVar!.ToArray().Should().Equal(first.RunningVar!.ToArray());
        var inputs = TestData.Normal(6, 4, seed: 5, mean: 7.0, spread: 2.0);
        RowRelativeDeviation(Logits(folded, inputs), Logits(model, inputs)).Should().BeLessThanOrEqualTo(1e-12);
    }

    [Fact]
    public void FoldBatchNorm_NormalizationInFront_IsCopiedWithItsStatistics()
    {
        var inputs = TestData.Normal(40, 4, seed: 14, mean: 12.0, spread: 5.0);
        var normalization = new Normalization(4).Adapt(inputs);
        var random = new Random(15);
        var batchNorm = new BatchNorm(3);
        RunningStatistics(batchNorm, mean: 0.2, variance: 1.5);
        var model = new Sequential(normalization, new Dense(4, 3, random), batchNorm);

        var folded = model.FoldBatchNorm();

        folded.Layers.Select(l => l.GetType()).Should().Equal(typeof(Normalization), typeof(Dense));
        var copy = (Normalization)folded.Layers[0];
        copy.Should().NotBeSameAs(normalization);
        copy.Mean.ToArray().Should().Equal(normalization.Mean.ToArray());
        copy.Variance.ToArray().Should().Equal(normalization.Variance.ToArray());
        RowRelativeDeviation(Logits(folded, inputs), Logits(model, inputs)).Should().BeLessThanOrEqualTo(1e-12);
    }

    [Fact]
    public void FoldBatchNorm_BatchNormWithoutRunningStatistics_IsNotFolded()
    {
        var random = new Random(4);
        var model = new Sequential(new Dense(3, 2, random), new BatchNorm(2, trackRunningStats: false));

        var folded = model.FoldBatchNorm();

        // It normalises with the statistics of each batch even in inference: no constant affine map to fold.
        folded.Layers.Select(l => l.GetType()).Should().Equal(typeof(Dense), typeof(BatchNorm));
        ((BatchNorm)folded.Layers[1]).TrackRunningStats.Should().BeFalse();
    }

    [Fact]
    public void FoldBatchNorm_NonAffineBatchNorm_FoldsWithUnitScaleAndZeroShift()
    {
        var random = new Random(5);
        var batchNorm = new BatchNorm(3, affine: false);
        RunningStatistics(batchNorm, mean: -4.0, variance: 9.0);
        var model = new Sequential(new Dense(2, 3, random), batchNorm);
        var inputs = TestData.Normal(5, 2, seed: 6, mean: 3.0, spread: 2.0);

        var folded = model.FoldBatchNorm();

        folded.Layers.Should().ContainSingle().Which.Should().BeOfType<Dense>();
        RowRelativeDeviation(Logits(folded, inputs), Logits(model, inputs)).Should().BeLessThanOrEqualTo(1e-12);
    }

    [Fact]
    public void FoldBatchNorm_NestedContainer_FoldsInsideIt()
    {
        var model = TrainingData.NestedModel(seed: 7);
        foreach (var batchNorm in model.Layers.OfType<BatchNorm>()
                     .Concat(((Sequential)model.Layers[2]).Layers.OfType<BatchNorm>()))
        {
            RunningStatistics(batchNorm, mean: 0.3, variance: 0.5);
        }
        var inputs = TestData.Normal(7, 3, seed: 8, mean: 12.0, spread: 5.0);

        var folded = model.FoldBatchNorm();

        folded.Layers.Select(l => l.GetType()).Should().Equal(typeof(Dense), typeof(Sequential), typeof(Dense));
        ((Sequential)folded.Layers[1]).Layers.Select(l => l.GetType()).Should().Equal(typeof(Dense), typeof(ReLU));
        RowRelativeDeviation(Logits(folded, inputs), Logits(model, inputs)).Should().BeLessThanOrEqualTo(1e-12);
    }

    [Fact]
    public void FoldBatchNorm_Always_LeavesTheOriginalModelAsItWas()
    {
        var model = TrainedIrisSizedModel(seed: 9).Train();
        var before = model.StateDict().ToDictionary(e => e.Key, e => e.Value.ToArray());

        var folded = model.FoldBatchNorm();
        folded.Parameters[0].Value.Fill(123.0);

        model.Mode.Should().Be(ForwardMode.Training);
        foreach (var (name, values) in model.StateDict())
        {
            values.ToArray().Should().Equal(before[name], because: $"{name} must not change");
        }
    }

    [Fact]
    public void FoldBatchNorm_LayerOfTheUsersOwn_ThrowsNotSupportedNamingIt()
    {
        var random = new Random(10);
        var model = new Sequential(new Dense(2, 2, random), new Sequential(new ReLU(), new RefusingLayer(5)));

        var fold = () => model.FoldBatchNorm();

        fold.Should().Throw<NotSupportedException>().WithMessage("*layer 1.1 is*RefusingLayer*");
    }

    [Theory]
    [InlineData(1.0, 1e-13)]
    [InlineData(1e2, 1e-12)]
    [InlineData(1e4, 1e-10)]
    [InlineData(1e6, 1e-8)]
    public void FoldBatchNorm_OffsetMuchLargerThanSpread_LosesAboutLog10OfTheRatioInDigits(double ratio, double bound)
    {
        // The Dense outputs sit at offset `ratio` with spread 1, and the BatchNorm's running statistics match them, so
        // the unfolded model subtracts two close numbers after the product and the folded one before it.
        const int Features = 5, Units = 4;
        var random = new Random(12);
        var dense = new Dense(Features, Units, random);
        dense.Bias.Value.Fill(ratio);
        var batchNorm = new BatchNorm(Units);
        var inputs = TestData.Normal(200, Features, seed: 13);
        var z = Logits(new Sequential(dense), inputs);
        for (int j = 0; j < Units; j++)
        {
            double mean = Enumerable.Range(0, 200).Average(i => z[i, j]);
            double variance = Enumerable.Range(0, 200).Average(i => (z[i, j] - mean) * (z[i, j] - mean));
            batchNorm.RunningMean![j] = mean;
            batchNorm.RunningVar![j] = variance;
        }
        var model = new Sequential(dense, batchNorm);

        double deviation = RowRelativeDeviation(Logits(model.FoldBatchNorm(), inputs), Logits(model, inputs));

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"offset / spread {ratio:E0}: folded vs unfolded {deviation:E2} (bound {bound:E0})"));
        deviation.Should().BeLessThanOrEqualTo(bound);
    }

    private static Sequential TrainedIrisSizedModel(int seed)
    {
        var model = TrainingData.IrisModel(seed);
        var (inputs, labels) = TrainingData.Clusters(rows: 120, features: 4, classes: 3, seed: seed, spread: 2.0);
        new Trainer(model, new SgdMomentum(model.Parameters, 0.05, 0.9))
            .Fit(inputs, labels, new FitOptions { Epochs = 15, BatchSize = 16, Seed = seed });
        return model;
    }

    private static void RunningStatistics(BatchNorm batchNorm, double mean, double variance)
    {
        for (int j = 0; j < batchNorm.NumFeatures; j++)
        {
            batchNorm.RunningMean![j] = mean + (0.25 * j);
            batchNorm.RunningVar![j] = variance * (1 + (0.5 * j));
            if (batchNorm.Weight is { } gamma)
            {
                gamma.Value[j] = 0.5 + (0.3 * j);
                batchNorm.Bias!.Value[j] = -1.0 + (0.7 * j);
            }
        }
    }

    private static Tensor Logits(Sequential model, Tensor inputs) =>
        model.Forward(inputs, ForwardMode.Inference).Clone();

    /// <summary>The largest <c>|a - b|</c> divided by the largest <c>|b|</c> of its row (logits near zero would make
    /// an element-wise ratio meaningless).</summary>
    private static double RowRelativeDeviation(Tensor actual, Tensor expected)
    {
        double worst = 0;
        int rows = expected.Shape[0], columns = expected.Shape[1];
        for (int i = 0; i < rows; i++)
        {
            double scale = 0;
            for (int j = 0; j < columns; j++)
            {
                scale = Math.Max(scale, Math.Abs(expected[i, j]));
            }
            for (int j = 0; j < columns; j++)
            {
                worst = Math.Max(worst, Math.Abs(actual[i, j] - expected[i, j]) / Math.Max(scale, double.Epsilon));
            }
        }
        return worst;
    }
}
