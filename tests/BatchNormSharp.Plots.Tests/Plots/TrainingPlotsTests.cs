using BatchNormSharp.Plots.Tests.Helpers;

namespace BatchNormSharp.Plots.Tests.Plots;

public sealed class TrainingPlotsTests : IDisposable
{
    private static readonly Lazy<TrainingHistory> EarlyStopped = new(() => SampleData.TrainedHistory(earlyStopping: true));
    private static readonly Lazy<TrainingHistory> Completed = new(() => SampleData.TrainedHistory(earlyStopping: false));
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("loss.png", TrainingCurve.Loss)]
    [InlineData("loss.svg", TrainingCurve.Loss)]
    [InlineData("accuracy.png", TrainingCurve.Accuracy)]
    [InlineData("accuracy.svg", TrainingCurve.Accuracy)]
    public void Curves_History_WritesImageOfRequestedSize(string name, TrainingCurve curve)
    {
        string written = TrainingPlots.Curves(_folder.File(name), Completed.Value, curve,
            new PlotOptions { Width = 720, Height = 360 });

        ImageFile.ShouldBeImage(written, 720, 360);
    }

    [Fact]
    public void Curves_EarlyStoppedRun_MarksBestAndStoppingEpochs()
    {
        var history = EarlyStopped.Value;
        history.StopReason.Should().Be(StopReason.EarlyStopped, "the test run is set up to stop early");

        string written = TrainingPlots.Curves(_folder.File("loss.svg"), history, TrainingCurve.Loss);

        string svg = File.ReadAllText(written);
        svg.Should().Contain($"best epoch {history.BestEpoch!.Epoch} (weights restored)")
            .And.Contain($"early stop (epoch {history.Epochs[^1].Epoch})")
            .And.Contain("val_loss");
    }

    [Fact]
    public void Curves_CompletedRun_MarksNoStop()
    {
        string written = TrainingPlots.Curves(_folder.File("accuracy.svg"), Completed.Value, TrainingCurve.Accuracy);

        File.ReadAllText(written).Should().NotContain("early stop").And.Contain("val_accuracy");
    }

    [Fact]
    public void Curves_UndefinedCurve_ThrowsAndWritesNothing()
    {
        var act = () => TrainingPlots.Curves(_folder.File("x.png"), Completed.Value, (TrainingCurve)7);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("curve");
        _folder.Files().Should().BeEmpty();
    }

    [Fact]
    public void Curves_History_IsNotModified()
    {
        var history = Completed.Value;
        var before = history.Epochs.ToArray();

        TrainingPlots.Curves(_folder.File("loss.png"), history, TrainingCurve.Loss);

        history.Epochs.Should().Equal(before);
    }

    [Theory]
    [InlineData("running.png")]
    [InlineData("running.svg")]
    public void RunningStatistics_Snapshots_WritesImageOfRequestedSize(string name)
    {
        var snapshots = Snapshots(epochs: 6, out _);

        string written = TrainingPlots.RunningStatistics(_folder.File(name), snapshots,
            options: new PlotOptions { Width = 640, Height = 640 });

        ImageFile.ShouldBeImage(written, 640, 640);
    }

    [Fact]
    public void RunningStatisticsSnapshot_Of_ChangesNothingInTheLayer()
    {
        _ = Snapshots(epochs: 2, out var layer);
        double[] mean = layer.RunningMean!.ToArray(), variance = layer.RunningVar!.ToArray();
        double[] weight = layer.Weight!.Value.ToArray();
        long tracked = layer.NumBatchesTracked;
        var mode = layer.Mode;

        var snapshot = RunningStatisticsSnapshot.Of(layer, 3);
        TrainingPlots.RunningStatistics(_folder.File("running.png"), [snapshot]);

        layer.RunningMean!.ToArray().Should().Equal(mean);
        layer.RunningVar!.ToArray().Should().Equal(variance);
        layer.Weight!.Value.ToArray().Should().Equal(weight);
        layer.NumBatchesTracked.Should().Be(tracked);
        layer.Mode.Should().Be(mode);
        snapshot.RunningMean.Should().Equal(mean);
    }

    [Fact]
    public void RunningStatisticsSnapshot_Of_LayerWithoutRunningStatistics_Throws()
    {
        var act = () => RunningStatisticsSnapshot.Of(new BatchNorm(3, trackRunningStats: false), 1);

        act.Should().Throw<ArgumentException>().WithParameterName("layer").WithMessage("*trackRunningStats: false*");
    }

    [Fact]
    public void RunningStatistics_FeatureOutOfRange_ThrowsAndWritesNothing()
    {
        var snapshots = Snapshots(epochs: 2, out _);

        var act = () => TrainingPlots.RunningStatistics(_folder.File("running.png"), snapshots, features: [0, 4]);

        act.Should().Throw<ArgumentException>().WithParameterName("features").WithMessage("*from 0 to 3*");
        _folder.Files().Should().BeEmpty();
    }

    [Fact]
    public void RunningStatistics_NoSnapshots_ThrowsAndWritesNothing()
    {
        var act = () => TrainingPlots.RunningStatistics(_folder.File("running.png"), []);

        act.Should().Throw<ArgumentException>().WithParameterName("snapshots").WithMessage("*at least one snapshot*");
        _folder.Files().Should().BeEmpty();
    }

    [Fact]
    public void RunningStatistics_MixedFeatureCounts_ThrowsAndWritesNothing()
    {
        RunningStatisticsSnapshot[] snapshots = [new(1, [0.0, 1.0], [1.0, 1.0]), new(2, [0.0], [1.0])];

        var act = () => TrainingPlots.RunningStatistics(_folder.File("running.png"), snapshots);

        act.Should().Throw<ArgumentException>().WithParameterName("snapshots").WithMessage("*2 features*");
        _folder.Files().Should().BeEmpty();
    }

    /// <summary>A BatchNorm(4) trained by hand for a few epochs, with one snapshot per epoch.</summary>
    private static List<RunningStatisticsSnapshot> Snapshots(int epochs, out BatchNorm layer)
    {
        layer = new BatchNorm(4);
        var snapshots = new List<RunningStatisticsSnapshot> { RunningStatisticsSnapshot.Of(layer, 0) };
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            layer.Forward(SampleData.Mixture(32, 4, seed: epoch), ForwardMode.Training);
            snapshots.Add(RunningStatisticsSnapshot.Of(layer, epoch));
        }
        return snapshots;
    }
}
