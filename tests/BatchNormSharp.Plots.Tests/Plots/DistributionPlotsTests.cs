using BatchNormSharp.Plots.Tests.Helpers;

namespace BatchNormSharp.Plots.Tests.Plots;

public sealed class DistributionPlotsTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly double[] _before = SampleData.Normal(400, 5.0, 3.0, seed: 1);
    private readonly double[] _after = SampleData.Normal(400, 0.0, 1.0, seed: 2);

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("pair.png", 640, 480)]
    [InlineData("pair.svg", 640, 480)]
    [InlineData("wide.png", 1200, 300)]
    [InlineData("UPPER.SVG", 300, 900)]
    public void BeforeAfterHistogram_ValidPath_WritesImageOfRequestedSize(string name, int width, int height)
    {
        string written = DistributionPlots.BeforeAfterHistogram(_folder.File(name), _before, _after, 30,
            new PlotOptions { Width = width, Height = height });

        written.Should().Be(_folder.File(name));
        ImageFile.ShouldBeImage(written, width, height);
        _folder.Files().Should().ContainSingle("no temporary file stays behind");
    }

    [Fact]
    public void BeforeAfterHistogram_Svg_HasLegendAndTitle()
    {
        string written = DistributionPlots.BeforeAfterHistogram(_folder.File("pair.svg"), _before, _after);

        string svg = File.ReadAllText(written);
        svg.Should().Contain("before BatchNorm").And.Contain("after BatchNorm")
            .And.Contain("Layer input before and after BatchNorm");
    }

    [Fact]
    public void BeforeAfterHistogram_ExplicitFormat_OverridesExtension()
    {
        string path = _folder.File("picture.dat");

        DistributionPlots.BeforeAfterHistogram(path, _before, _after,
            options: new PlotOptions { Format = PlotFormat.Svg, Width = 500, Height = 400 });

        ImageFile.SvgSize(path).Should().Be((500, 400));
    }

    [Fact]
    public void BeforeAfterHistogram_ExistingFile_IsReplaced()
    {
        string path = _folder.File("pair.png");
        File.WriteAllText(path, "old");

        DistributionPlots.BeforeAfterHistogram(path, _before, _after);

        ImageFile.PngSize(path).Should().Be((800, 500));
    }

    [Fact]
    public void BeforeAfterHistogram_Inputs_AreNotModified()
    {
        double[] before = [.. _before], after = [.. _after];

        DistributionPlots.BeforeAfterHistogram(_folder.File("pair.png"), before, after);
        DistributionPlots.ActivationHistogram(_folder.File("tanh.png"), before, after, Math.Tanh, "tanh");

        before.Should().Equal(_before);
        after.Should().Equal(_after);
    }

    [Fact]
    public void BeforeAfterHistogram_EmptyData_ThrowsAndWritesNothing()
    {
        var act = () => DistributionPlots.BeforeAfterHistogram(_folder.File("pair.png"), _before, []);

        act.Should().Throw<ArgumentException>().WithParameterName("after").WithMessage("*at least one value*");
        _folder.Files().Should().BeEmpty();
    }

    [Fact]
    public void BeforeAfterHistogram_ZeroBins_ThrowsAndWritesNothing()
    {
        var act = () => DistributionPlots.BeforeAfterHistogram(_folder.File("pair.png"), _before, _after, bins: 0);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("bins");
        _folder.Files().Should().BeEmpty();
    }

    [Fact]
    public void BeforeAfterHistogram_NaN_ThrowsAndWritesNothing()
    {
        double[] before = [1.0, double.NaN];

        var act = () => DistributionPlots.BeforeAfterHistogram(_folder.File("pair.png"), before, _after);

        act.Should().Throw<ArgumentException>().WithParameterName("before").WithMessage("*value 1 is NaN*");
        _folder.Files().Should().BeEmpty();
    }

    [Fact]
    public void BeforeAfterHistogram_MissingFolder_ThrowsAndWritesNothing()
    {
        string path = Path.Combine(_folder.Path, "no-such-folder", "pair.png");

        var act = () => DistributionPlots.BeforeAfterHistogram(path, _before, _after);

        act.Should().Throw<ArgumentException>().WithParameterName("path").WithMessage("*does not exist*");
        Directory.Exists(Path.Combine(_folder.Path, "no-such-folder")).Should().BeFalse();
    }

    [Fact]
    public void BeforeAfterHistogram_UnknownExtension_ThrowsAndWritesNothing()
    {
        var act = () => DistributionPlots.BeforeAfterHistogram(_folder.File("pair.jpg"), _before, _after);

        act.Should().Throw<ArgumentException>().WithParameterName("path").WithMessage("*'.jpg'*expected .png or .svg*");
        _folder.Files().Should().BeEmpty();
    }

    [Fact]
    public void BeforeAfterHistogram_PathIsAFolder_ThrowsAndWritesNothing()
    {
        string path = _folder.File("folder.png");
        Directory.CreateDirectory(path);

        var act = () => DistributionPlots.BeforeAfterHistogram(path, _before, _after);

        act.Should().Throw<ArgumentException>().WithParameterName("path").WithMessage("*is a folder*");
        _folder.Files().Should().BeEmpty();
    }

    [Fact]
    public void BeforeAfterHistogram_FolderIsAFile_ThrowsAndWritesNothing()
    {
        string blocker = _folder.File("not-a-folder");
        File.WriteAllText(blocker, "x");
        string path = Path.Combine(blocker, "pair.png");

        var act = () => DistributionPlots.BeforeAfterHistogram(path, _before, _after);

        act.Should().Throw<ArgumentException>().WithParameterName("path");
        _folder.Files().Should().Equal(blocker);
    }

    [Fact]
    public void BeforeAfterHistogram_FileNameTooLongToWrite_ThrowsAndWritesNothing()
    {
        // The folder exists and the path is well formed, so only the write itself fails (file names stop at 255
        // bytes on Linux, Windows and macOS alike); this reaches the writer's own error, even when running as root.
        string path = _folder.File(new string('x', 300) + ".png");

        var act = () => DistributionPlots.BeforeAfterHistogram(path, _before, _after);

        act.Should().Throw<ArgumentException>().WithMessage("Could not write the picture to*folder you can write to*")
            .WithInnerException<IOException>();
        _folder.Files().Should().BeEmpty();
    }

    [Theory]
    [InlineData("pair.png")]
    [InlineData("pair.svg")]
    public void ActivationHistogram_Tanh_WritesImageWithActivationInTitle(string name)
    {
        string written = DistributionPlots.ActivationHistogram(_folder.File(name), _before, _after, Math.Tanh, "tanh",
            options: new PlotOptions { Width = 700, Height = 450 });

        ImageFile.ShouldBeImage(written, 700, 450);
        if (name.EndsWith(".svg", StringComparison.Ordinal))
        {
            File.ReadAllText(written).Should().Contain("tanh of the layer input");
        }
    }

    [Fact]
    public void ActivationHistogram_ActivationReturningNaN_ThrowsAndWritesNothing()
    {
        var act = () => DistributionPlots.ActivationHistogram(_folder.File("log.png"), _before, _after, Math.Log, "log");

        act.Should().Throw<ArgumentException>().WithParameterName("activation").WithMessage("*log of the values*");
        _folder.Files().Should().BeEmpty();
    }

    [Theory]
    [InlineData("stats.png")]
    [InlineData("stats.svg")]
    public void FeatureStatistics_Columns_WritesImageOfRequestedSize(string name)
    {
        var batch = SampleData.Mixture(100, 6, seed: 4);
        var columns = FeatureColumns.Of(batch);
        var normalised = new BatchNorm(6).Forward(batch, ForwardMode.Training);

        string written = DistributionPlots.FeatureStatistics(_folder.File(name), columns, FeatureColumns.Of(normalised),
            new PlotOptions { Width = 900, Height = 400 });

        ImageFile.ShouldBeImage(written, 900, 400);
    }

    [Fact]
    public void FeatureStatistics_DifferentFeatureCounts_ThrowsAndWritesNothing()
    {
        double[][] before = [[1, 2], [3, 4]];
        double[][] after = [[1, 2]];

        var act = () => DistributionPlots.FeatureStatistics(_folder.File("stats.png"), before, after);

        act.Should().Throw<ArgumentException>().WithParameterName("after").WithMessage("*as many features*");
        _folder.Files().Should().BeEmpty();
    }

    [Fact]
    public void FeatureStatistics_EmptyColumn_ThrowsAndWritesNothing()
    {
        double[][] before = [[1, 2], []];

        var act = () => DistributionPlots.FeatureStatistics(_folder.File("stats.png"), before, before);

        act.Should().Throw<ArgumentException>().WithParameterName("before").WithMessage("*feature 1*");
        _folder.Files().Should().BeEmpty();
    }

    [Fact]
    public void FeatureStatistics_Inputs_AreNotModified()
    {
        double[][] before = [[1, 2, 3], [4, 5, 7]];
        double[][] after = [[-1, 0, 1], [-1, 0, 1]];

        DistributionPlots.FeatureStatistics(_folder.File("stats.png"), before, after);

        before.Should().BeEquivalentTo(new double[][] { [1, 2, 3], [4, 5, 7] }, o => o.WithStrictOrdering());
        after.Should().BeEquivalentTo(new double[][] { [-1, 0, 1], [-1, 0, 1] }, o => o.WithStrictOrdering());
    }

    [Theory]
    [InlineData("bn.png")]
    [InlineData("bn.svg")]
    public void BeforeAfterHistogram_Recorder_PlotsTheLastPassAndChangesNothingInTheModel(string name)
    {
        var (model, batchNorm) = TrainedModel();
        using var recorder = new ActivationRecorder(batchNorm);
        model.Forward(SampleData.Mixture(40, 3, seed: 12), ForwardMode.Inference);
        var state = Snapshot(model);
        var recordedInput = recorder.Inputs[^1].ToArray();

        string histogram = DistributionPlots.BeforeAfterHistogram(_folder.File(name), recorder,
            options: new PlotOptions { Width = 640, Height = 400 });
        string tanh = DistributionPlots.ActivationHistogram(_folder.File("tanh-" + name), recorder, Math.Tanh, "tanh",
            options: new PlotOptions { Width = 640, Height = 400 });
        string statistics = DistributionPlots.FeatureStatistics(_folder.File("stats-" + name), recorder,
            new PlotOptions { Width = 640, Height = 400 });

        ImageFile.ShouldBeImage(histogram, 640, 400);
        ImageFile.ShouldBeImage(tanh, 640, 400);
        ImageFile.ShouldBeImage(statistics, 640, 400);
        Snapshot(model).Should().BeEquivalentTo(state, o => o.WithStrictOrdering(), "plotting reads only");
        recorder.Inputs.Should().ContainSingle().Which.ToArray().Should().Equal(recordedInput);
    }

    [Fact]
    public void BeforeAfterHistogram_RecorderWithoutPass_ThrowsAndWritesNothing()
    {
        using var recorder = new ActivationRecorder(new BatchNorm(3));

        var act = () => DistributionPlots.BeforeAfterHistogram(_folder.File("bn.png"), recorder);

        act.Should().Throw<ArgumentException>().WithParameterName("recorder").WithMessage("*has none*Forward*");
        _folder.Files().Should().BeEmpty();
    }

    [Fact]
    public void FeatureStatistics_NullRecorder_ThrowsArgumentNull()
    {
        var act = () => DistributionPlots.FeatureStatistics(_folder.File("bn.png"), (ActivationRecorder)null!);

        act.Should().Throw<ArgumentNullException>().WithParameterName("recorder");
    }

    /// <summary>A small model trained for a few steps, so that its BatchNorm has moved statistics and weights.</summary>
    private static (Sequential Model, BatchNorm BatchNorm) TrainedModel()
    {
        var random = new Random(11);
        var batchNorm = new BatchNorm(4);
        var model = new Sequential(new Dense(3, 4, random), batchNorm, new ReLU(), new Dense(4, 2, random));
        var history = new Trainer(model, new SgdMomentum(model.Parameters, 0.1, 0.9)).Fit(
            SampleData.Mixture(20, 3, seed: 13), [.. Enumerable.Range(0, 20).Select(i => i % 2)],
            new FitOptions { Epochs = 2, BatchSize = 5 });
        history.Epochs.Should().HaveCount(2);
        return (model, batchNorm);
    }

    /// <summary>Every parameter and buffer value, and the mode of every layer.</summary>
    private static (double[][] Parameters, double[][] Buffers, ForwardMode[] Modes) Snapshot(Sequential model) =>
        ([.. model.Parameters.Select(p => p.Value.ToArray())], [.. model.Buffers.Select(b => b.Value.ToArray())],
            [.. model.NamedLayers().Select(entry => entry.Layer.Mode)]);

    [Fact]
    public void StandardDeviation_Values_IsPopulationDeviationAsNumpyStd()
    {
        double[] values = [2, 4, 4, 4, 5, 5, 7, 9];

        DistributionPlots.Mean(values).Should().Be(5.0);
        DistributionPlots.StandardDeviation(values).Should().Be(2.0);
    }
}
