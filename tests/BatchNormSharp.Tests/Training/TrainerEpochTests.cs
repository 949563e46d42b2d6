using BatchNormSharp.Tests.Helpers;

namespace BatchNormSharp.Tests.Training;

/// <summary>
/// Fit's bookkeeping across epochs: nothing sized by the epoch count up front (issue 13, item 5), and an epoch whose
/// batches all ran is reported even when a cancel arrives during its last batch (item 8).
/// </summary>
public class TrainerEpochTests
{
    [Fact]
    public void Fit_IntMaxValueEpochsCancelledAfterTheFirstBatch_StopsCancelledWithoutAllocatingPerEpoch()
    {
        var (inputs, labels) = TrainingData.Clusters(32, 4, 3, seed: 10);
        var model = TrainingData.IrisModel(seed: 11);
        var trainer = new Trainer(model, new SgdMomentum(model.Parameters, 0.1, 0.9));
        using var cancellation = new CancellationTokenSource();
        var log = new ProgressLog(_ => cancellation.Cancel());

        var history = trainer.Fit(inputs, labels, new FitOptions { Epochs = int.MaxValue, BatchSize = 16 }, log,
            cancellation.Token);

        history.StopReason.Should().Be(StopReason.Cancelled);
        history.StopMessage.Should().Be("Cancelled before batch 2 of epoch 1.");
    }

    [Fact]
    public void Fit_TwentyMillionEpochs_AllocatesNoMoreUpFrontThanOneEpoch()
    {
        var (inputs, labels) = TrainingData.Clusters(32, 4, 3, seed: 10);
        var model = TrainingData.IrisModel(seed: 11);
        var trainer = new Trainer(model, new SgdMomentum(model.Parameters, 0.1, 0.9));
        trainer.Fit(inputs, labels, new FitOptions { Epochs = 1, BatchSize = 16 }); // warm

        long AllocatedBy(int epochs)
        {
            var cancellation = new CancellationTokenSource();
            var log = new ProgressLog(_ => cancellation.Cancel());
            long before = GC.GetAllocatedBytesForCurrentThread();
            trainer.Fit(inputs, labels, new FitOptions { Epochs = epochs, BatchSize = 16 }, log, cancellation.Token);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        long one = AllocatedBy(1);
        long many = AllocatedBy(20_000_000);

        // 152 MiB before: a list of 20 million epoch slots. Both runs stop after one batch.
        many.Should().BeLessThan(one + (64 * 1024), "Fit must not allocate for epochs that have not run");
    }

    [Fact]
    public void Fit_CancelDuringTheLastBatchOfAnEpoch_ReportsThatEpochThenStopsCancelled()
    {
        var (inputs, labels) = TrainingData.Clusters(64, 4, 3, seed: 10);
        var (validationInputs, validationLabels) = TrainingData.Clusters(20, 4, 3, seed: 12);
        var model = TrainingData.IrisModel(seed: 11);
        using var cancellation = new CancellationTokenSource();
        var log = new ProgressLog(report =>
        {
            if (report is { Epoch: 2, Batch: 4, CompletedEpoch: null })
            {
                cancellation.Cancel(); // after the last of the 4 batches of epoch 2 trained the weights
            }
        });

        var history = new Trainer(model, new SgdMomentum(model.Parameters, 0.1, 0.9)).Fit(inputs, labels,
            new FitOptions
            {
                Epochs = 5, BatchSize = 16, ValidationInputs = validationInputs, ValidationLabels = validationLabels,
            },
            log, cancellation.Token);

        history.StopReason.Should().Be(StopReason.Cancelled);
        history.StopMessage.Should().Be("Cancelled before epoch 3 began; 2 epochs completed.");
        history.Epochs.Select(e => e.Epoch).Should().Equal(1, 2);
        history.ValidationLoss.Should().HaveCount(2, "the completed epoch is validated like any other");
        log.Reports.Where(r => r.CompletedEpoch is not null).Select(r => r.Epoch).Should().Equal(1, 2);
        TrainingData.BatchNorms(model).First().NumBatchesTracked.Should().Be(8, "epoch 3 never began");
    }

    [Fact]
    public void Fit_CancelDuringTheLastBatchOfTheLastEpoch_Completes()
    {
        var (inputs, labels) = TrainingData.Clusters(32, 4, 3, seed: 10);
        var model = TrainingData.IrisModel(seed: 11);
        using var cancellation = new CancellationTokenSource();
        var log = new ProgressLog(report =>
        {
            if (report is { Epoch: 3, Batch: 2, CompletedEpoch: null })
            {
                cancellation.Cancel();
            }
        });

        var history = new Trainer(model, new SgdMomentum(model.Parameters, 0.1, 0.9)).Fit(inputs, labels,
            new FitOptions { Epochs = 3, BatchSize = 16 }, log, cancellation.Token);

        history.StopReason.Should().Be(StopReason.Completed);
        history.Epochs.Should().HaveCount(3);
    }
}
