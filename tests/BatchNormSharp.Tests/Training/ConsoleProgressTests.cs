using System.Globalization;

namespace BatchNormSharp.Tests.Training;

public sealed class ConsoleProgressTests
{
    private const long TicksPerSecond = 1_000_000; // the fake clock counts microseconds

    /// <summary>A clock the test moves by hand, so that no assertion depends on real time.</summary>
    private sealed class FakeClock
    {
        public long Now { get; set; }

        public void Advance(double milliseconds) => Now += (long)(milliseconds * 1000);
    }

    private static (ConsoleProgress Progress, StringWriter Output, FakeClock Clock) Create(bool redraw)
    {
        var clock = new FakeClock();
        var output = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        return (new ConsoleProgress(output, redraw, () => clock.Now, TicksPerSecond), output, clock);
    }

    private static EpochMetrics Metrics(int epoch, double? validationLoss = 0.7012, double? validationAccuracy = 0.5) =>
        new(epoch, 0.64371, 0.657, validationLoss, validationAccuracy);

    /// <summary>Sends the reports Fit sends for one epoch of <paramref name="batches"/> batches, each taking
    /// <paramref name="millisecondsPerBatch"/>.</summary>
    private static void RunEpoch(ConsoleProgress progress, FakeClock clock, int epoch, int epochs, int batches,
        double millisecondsPerBatch, EpochMetrics? metrics = null)
    {
        for (int batch = 1; batch <= batches; batch++)
        {
            clock.Advance(millisecondsPerBatch);
            progress.Report(new TrainingProgress(epoch, epochs, batch, batches, 0.5 + batch, 0.25, null));
        }
        clock.Advance(5); // validation: not part of the time per step
        var completed = metrics ?? Metrics(epoch);
        progress.Report(new TrainingProgress(epoch, epochs, batches, batches, completed.TrainingLoss,
            completed.TrainingAccuracy ?? 0.0, completed));
    }

    [Fact]
    public void Report_RedirectedOutput_PrintsKerasLinePerEpoch()
    {
        var (progress, output, clock) = Create(redraw: false);

        RunEpoch(progress, clock, epoch: 3, epochs: 15, batches: 7, millisecondsPerBatch: 2);

        output.ToString().Should().Be(
            "Epoch 3/15 - 7/7 - 2 ms/step - loss: 0.6437 - accuracy: 0.6570 - val_loss: 0.7012 - val_accuracy: 0.5000\n");
    }

    [Fact]
    public void Report_RedirectedOutput_OneLinePerEpochAndNoCarriageReturn()
    {
        var (progress, output, clock) = Create(redraw: false);

        for (int epoch = 1; epoch <= 4; epoch++)
        {
            RunEpoch(progress, clock, epoch, epochs: 4, batches: 12, millisecondsPerBatch: 3);
        }

        string text = output.ToString();
        text.Should().NotContain("\r");
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(4)
            .And.AllSatisfy(line => line.Should().MatchRegex(@"^Epoch [1-4]/4 - 12/12 - 3 ms/step - loss: "));
    }

    [Fact]
    public void Report_WithoutValidation_OmitsValidationMetrics()
    {
        var (progress, output, clock) = Create(redraw: false);

        RunEpoch(progress, clock, 1, 2, 3, 10, Metrics(1, validationLoss: null, validationAccuracy: null));

        output.ToString().Should().Be("Epoch 1/2 - 3/3 - 10 ms/step - loss: 0.6437 - accuracy: 0.6570\n");
    }

    [Fact]
    public void Report_StepUnderAMillisecond_ShowsMicroseconds()
    {
        var (progress, output, clock) = Create(redraw: false);

        RunEpoch(progress, clock, 1, 1, 4, millisecondsPerBatch: 0.25);

        output.ToString().Should().Contain(" - 250 us/step - ");
    }

    [Fact]
    public void Report_Terminal_RedrawsOneLineAndEndsItAtEpochEnd()
    {
        var (progress, output, clock) = Create(redraw: true);

        // 100 ms per batch: every batch is past the redraw interval, so every batch redraws.
        RunEpoch(progress, clock, epoch: 1, epochs: 2, batches: 3, millisecondsPerBatch: 100);

        string text = output.ToString();
        text.Should().StartWith("\rEpoch 1/2 - 1/3 - 100 ms/step - loss: 1.5000 - accuracy: 0.2500")
            .And.Contain("\rEpoch 1/2 - 2/3 - 100 ms/step - loss: 2.5000 - accuracy: 0.2500")
            .And.EndWith("\rEpoch 1/2 - 3/3 - 100 ms/step - loss: 0.6437 - accuracy: 0.6570 - val_loss: 0.7012 - " +
                         "val_accuracy: 0.5000\n");
        text.Count(c => c == '\n').Should().Be(1, "the epoch's line is redrawn in place, not repeated");
    }

    [Fact]
    public void Report_TerminalWithFastBatches_RedrawsAtMostEveryInterval()
    {
        var (progress, output, clock) = Create(redraw: true);

        // 100 batches of 1 ms: 100 ms of training, so about two redraws plus the last batch's, not a hundred.
        RunEpoch(progress, clock, epoch: 1, epochs: 1, batches: 100, millisecondsPerBatch: 1);

        output.ToString().Count(c => c == '\r').Should().BeInRange(2, 5);
    }

    [Fact]
    public void Report_TerminalShorterLineAfterLongerOne_BlanksTheRest()
    {
        var (progress, output, clock) = Create(redraw: true);
        clock.Advance(100);
        progress.Report(new TrainingProgress(1, 1, 1, 2, 12345.5, 0.5, null));
        int longLength = output.ToString().Length - 1;
        output.GetStringBuilder().Clear();

        clock.Advance(100);
        progress.Report(new TrainingProgress(1, 1, 2, 2, 1.5, 0.5, null));

        string redrawn = output.ToString();
        redrawn.Length.Should().BeGreaterThanOrEqualTo(longLength + 1, "spaces cover what the longer line had");
        redrawn.TrimEnd(' ').Should().EndWith("loss: 1.5000 - accuracy: 0.5000");
    }

    [Fact]
    public void Finish_AfterStopMidEpoch_EndsTheOpenLine()
    {
        var (progress, output, clock) = Create(redraw: true);
        clock.Advance(100);
        progress.Report(new TrainingProgress(1, 5, 1, 4, 0.9, 0.5, null));

        progress.Finish();
        progress.Finish();

        output.ToString().Should().EndWith("accuracy: 0.5000\n").And.Subject.Count(c => c == '\n').Should().Be(1);
    }

    [Fact]
    public void Finish_NoOpenLine_WritesNothing()
    {
        var (progress, output, clock) = Create(redraw: false);
        RunEpoch(progress, clock, 1, 1, 2, 1);
        string before = output.ToString();

        progress.Finish();

        output.ToString().Should().Be(before);
    }

    [Fact]
    public void Report_CultureWithDecimalComma_PrintsDecimalPoints()
    {
        var culture = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            var (progress, output, clock) = Create(redraw: false);

            RunEpoch(progress, clock, 1, 1, 2, 2);

            output.ToString().Should().Contain("loss: 0.6437").And.NotContain("0,6437");
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    [Fact]
    public void Report_TerminalBatch_AllocatesNothing()
    {
        var (progress, output, clock) = Create(redraw: true);
        var report = new TrainingProgress(1, 3, 1, 10, 0.5, 0.25, null);
        progress.Report(report); // first draw sizes the buffers

        long bytes = AllocationMeter.BytesAllocatedBy(() =>
        {
            output.GetStringBuilder().Clear(); // keeps the builder's chunks: no allocation
            clock.Advance(100);
            progress.Report(report);
        });

        bytes.Should().Be(0);
    }

    [Fact]
    public void Constructor_NullWriter_ThrowsArgumentNull()
    {
        var act = () => new ConsoleProgress(null!, redraw: false);

        act.Should().Throw<ArgumentNullException>().WithParameterName("writer");
    }

    [Fact]
    public void Fit_WithConsoleProgress_PrintsOneLinePerEpoch()
    {
        var random = new Random(3);
        var model = new Sequential(new Dense(2, 3, random), new BatchNorm(3), new ReLU(), new Dense(3, 2, random));
        var inputs = Tensor.FromArray(new double[,] { { 0, 1 }, { 1, 0 }, { 2, 3 }, { 3, 2 }, { 5, 1 }, { 1, 5 } });
        int[] labels = [0, 1, 0, 1, 0, 1];
        var output = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };

        new Trainer(model, new SgdMomentum(model.Parameters, 0.1, 0.9)).Fit(inputs, labels,
            new FitOptions { Epochs = 3, BatchSize = 3, ValidationInputs = inputs, ValidationLabels = labels },
            new ConsoleProgress(output, redraw: false));

        output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().SatisfyRespectively(
            first => first.Should().MatchRegex(@"^Epoch 1/3 - 2/2 - \d+ (ms|us)/step - loss: \d\.\d{4} - accuracy: \d\.\d{4} - val_loss: \d\.\d{4} - val_accuracy: \d\.\d{4}$"),
            second => second.Should().StartWith("Epoch 2/3 - 2/2 - "),
            third => third.Should().StartWith("Epoch 3/3 - 2/2 - "));
    }
}
