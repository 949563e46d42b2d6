using BatchNormSharp.Tests.Helpers;

namespace BatchNormSharp.Tests.Training;

public class TrainerTests
{
    [Fact]
    public void Fit_SeparableClusters_LearnsAndRecordsEveryEpoch()
    {
        var (inputs, labels) = TrainingData.Clusters(90, 4, 3, seed: 1);
        var model = TrainingData.IrisModel(seed: 2);
        var trainer = new Trainer(model, new SgdMomentum(model.Parameters, 0.1, 0.9));

        var history = trainer.Fit(inputs, labels, new FitOptions { Epochs = 8, BatchSize = 16 });

        history.StopReason.Should().Be(StopReason.Completed);
        history.StopMessage.Should().Be("Trained all 8 epochs.");
        history.Epochs.Select(e => e.Epoch).Should().Equal(1, 2, 3, 4, 5, 6, 7, 8);
        history.TrainingLoss[^1].Should().BeLessThan(history.TrainingLoss[0]);
        history.TrainingAccuracy[^1].Should().BeGreaterThan(0.9);
        history.ValidationLoss.Should().BeEmpty();
        history.Epochs[0].ValidationAccuracy.Should().BeNull();
    }

    [Fact]
    public void Fit_SameSeedTwice_GivesBitIdenticalWeights()
    {
        var (inputs, labels) = TrainingData.Clusters(50, 4, 3, seed: 3);

        var first = TrainOnce(inputs, labels, seed: 11);
        var second = TrainOnce(inputs, labels, seed: 11);
        var otherSeed = TrainOnce(inputs, labels, seed: 12);

        second.Select(BitConverter.DoubleToInt64Bits).Should().Equal(first.Select(BitConverter.DoubleToInt64Bits));
        otherSeed.Should().NotEqual(first, "a different seed visits the rows in a different order");
    }

    [Fact]
    public void Fit_WithValidation_ReportsValidationMetricsOfTheModelAfterEachEpoch()
    {
        var (inputs, labels) = TrainingData.Clusters(60, 4, 3, seed: 4);
        var (validationInputs, validationLabels) = TrainingData.Clusters(21, 4, 3, seed: 4);
        var model = TrainingData.IrisModel(seed: 5);
        var trainer = new Trainer(model, new SgdMomentum(model.Parameters, 0.1, 0.9));

        var history = trainer.Fit(inputs, labels, new FitOptions
        {
            Epochs = 3,
            BatchSize = 16,
            ValidationInputs = validationInputs,
            ValidationLabels = validationLabels,
        });

        var evaluation = model.Evaluate(validationInputs, validationLabels, batchSize: 16);
        history.Epochs[^1].ValidationLoss.Should().Be(evaluation.Loss);
        history.Epochs[^1].ValidationAccuracy.Should().Be(evaluation.Accuracy);
        history.ValidationLoss.Should().HaveCount(3);
    }

    [Fact]
    public void Fit_Progress_ReportsEveryBatchThenTheEpoch()
    {
        var (inputs, labels) = TrainingData.Clusters(40, 4, 3, seed: 6);
        var model = TrainingData.IrisModel(seed: 7);
        var log = new ProgressLog();

        var history = new Trainer(model, new SgdMomentum(model.Parameters, 0.1, 0.9))
            .Fit(inputs, labels, new FitOptions { Epochs = 2, BatchSize = 16 }, log);

        // 40 rows in batches of 16: 16, 16, 8 → three batch reports and one epoch report per epoch.
        log.Reports.Select(r => (r.Epoch, r.Batch, r.Batches, r.CompletedEpoch is not null)).Should().Equal(
            (1, 1, 3, false), (1, 2, 3, false), (1, 3, 3, false), (1, 3, 3, true),
            (2, 1, 3, false), (2, 2, 3, false), (2, 3, 3, false), (2, 3, 3, true));
        log.Reports[3].CompletedEpoch.Should().Be(history.Epochs[0]);
        log.Reports[2].Loss.Should().Be(history.Epochs[0].TrainingLoss);
        log.Reports.Should().OnlyContain(r => r.Epochs == 2);
    }

    [Theory]
    [InlineData(40, 16, false, 3)] // 16 + 16 + 8
    [InlineData(40, 16, true, 2)]  // the partial batch of 8 dropped by option
    [InlineData(33, 16, false, 2)] // a last batch of 1 row is always dropped (BatchNorm cannot train on it)
    [InlineData(40, 64, false, 1)] // a batch larger than the data set takes all rows
    public void Fit_LastPartialBatch_KeptUnlessDroppedOrSingleRow(int rows, int batchSize, bool drop, int batches)
    {
        var (inputs, labels) = TrainingData.Clusters(rows, 4, 3, seed: 8);
        var model = TrainingData.IrisModel(seed: 9);
        var log = new ProgressLog();

        new Trainer(model, new SgdMomentum(model.Parameters, 0.1, 0.9)).Fit(inputs, labels,
            new FitOptions { Epochs = 1, BatchSize = batchSize, DropLastPartialBatch = drop }, log);

        log.Reports.Where(r => r.CompletedEpoch is null).Should().HaveCount(batches);
        TrainingData.BatchNorms(model).First().NumBatchesTracked.Should().Be(batches);
    }

    [Fact]
    public void Fit_CancelledAfterThreeBatches_StopsWithCancelledAndTrainsNoFurther()
    {
        var (inputs, labels) = TrainingData.Clusters(64, 4, 3, seed: 10);
        var model = TrainingData.IrisModel(seed: 11);
        using var cancellation = new CancellationTokenSource();
        var log = new ProgressLog(report =>
        {
            if (report is { Epoch: 2, Batch: 3 })
            {
                cancellation.Cancel();
            }
        });

        var history = new Trainer(model, new SgdMomentum(model.Parameters, 0.1, 0.9)).Fit(inputs, labels,
            new FitOptions { Epochs = 5, BatchSize = 16 }, log, cancellation.Token);

        history.StopReason.Should().Be(StopReason.Cancelled);
        history.StopMessage.Should().Be("Cancelled before batch 4 of epoch 2.");
        history.Epochs.Should().HaveCount(1);
        TrainingData.BatchNorms(model).First().NumBatchesTracked.Should().Be(4 + 3);
    }

    [Fact]
    public void Fit_AlreadyCancelled_ChangesNothing()
    {
        var (inputs, labels) = TrainingData.Clusters(32, 4, 3, seed: 10);
        var model = TrainingData.IrisModel(seed: 11);
        var before = TrainingData.AllValues(model);

        var history = new Trainer(model, new SgdMomentum(model.Parameters, 0.1, 0.9))
            .Fit(inputs, labels, cancellationToken: new CancellationToken(canceled: true));

        history.StopReason.Should().Be(StopReason.Cancelled);
        history.Epochs.Should().BeEmpty();
        TrainingData.AllValues(model).Should().Equal(before);
    }

    [Fact]
    public void Fit_NaNInAnInput_ThrowsNamingItsRowAndColumnBeforeAnythingTrains()
    {
        var (inputs, labels) = TrainingData.Clusters(32, 4, 3, seed: 12);
        inputs[5, 2] = double.NaN;
        var model = TrainingData.IrisModel(seed: 13);
        var before = TrainingData.AllValues(model);

        var act = () => new Trainer(model, new SgdMomentum(model.Parameters, 0.1, 0.9))
            .Fit(inputs, labels, new FitOptions { Epochs = 3, BatchSize = 32, Shuffle = false });

        act.Should().Throw<ArgumentException>().WithMessage("Expected finite values in inputs, but row 5, column 2 holds NaN*")
            .Which.ParamName.Should().Be("inputs");
        TrainingData.AllValues(model).Should().Equal(before);
    }

    [Fact]
    public void Fit_LabelsThatLookOneBased_SaysSo()
    {
        var (inputs, labels) = TrainingData.Clusters(32, 4, 3, seed: 12);
        int[] oneBased = [.. labels.Select(label => label + 1)];
        var model = TrainingData.IrisModel(seed: 13);

        var act = () => new Trainer(model, new SgdMomentum(model.Parameters, 0.1, 0.9))
            .Fit(inputs, oneBased, new FitOptions { Epochs = 1 });

        act.Should().Throw<ArgumentException>().WithMessage("*run from 1 to 3: they look 1-based. Subtract 1*");
    }

    [Fact]
    public void Fit_ExplodingLearningRate_StopsWithNonFiniteLoss()
    {
        var (inputs, labels) = TrainingData.Clusters(64, 4, 3, seed: 14);
        foreach (ref double x in inputs.AsSpan())
        {
            x *= 1e10; // large inputs and a huge step: the logits overflow within a few steps
        }
        var model = new Sequential(new Dense(4, 3, seed: 1)); // no BatchNorm to tame the scale
        var trainer = new Trainer(model, new SgdMomentum(model.Parameters, learningRate: 1e300, momentum: 0.9));

        var history = trainer.Fit(inputs, labels, new FitOptions { Epochs = 50, BatchSize = 8 });

        history.StopReason.Should().Be(StopReason.NonFiniteLoss);
        history.StopMessage.Should().MatchRegex("^The training loss was (NaN|Infinity) at batch [0-9]+ of epoch [0-9]+;")
            .And.Contain("The first non-finite output came from layer 0 (Dense).");
    }

    [Fact]
    public void Fit_BatchNormRefusesOverflowingActivations_StopsNamingItsPlaceInTheModel()
    {
        var (inputs, labels) = TrainingData.Clusters(32, 4, 3, seed: 15);
        var model = TrainingData.IrisModel(seed: 16);
        ((Dense)model.Layers[0]).Weight.Value.Fill(1e308); // the first Dense overflows to infinity

        var history = new Trainer(model, new SgdMomentum(model.Parameters, 0.1, 0.9))
            .Fit(inputs, labels, new FitOptions { Epochs = 2, BatchSize = 16 });

        history.StopReason.Should().Be(StopReason.NonFiniteLoss);
        history.StopMessage.Should().Contain("In layer 1 (BatchNorm): BatchNorm expected a training batch with a finite mean");
    }

    [Fact]
    public void Fit_RowAndLabelCountsDiffer_ThrowsNamingBothAndChangesNothing()
    {
        var (inputs, _) = TrainingData.Clusters(10, 4, 3, seed: 1);
        var model = TrainingData.IrisModel(seed: 1);
        var before = TrainingData.AllValues(model);

        var act = () => new Trainer(model, new SgdMomentum(model.Parameters, 0.1)).Fit(inputs, new int[9]);

        act.Should().Throw<ArgumentException>().WithMessage("*one label per input row (10)*got 9 labels*");
        TrainingData.AllValues(model).Should().Equal(before);
    }

    [Fact]
    public void Fit_LabelOutOfRange_ThrowsNamingRowAndRange()
    {
        var (inputs, labels) = TrainingData.Clusters(10, 4, 3, seed: 1);
        labels[7] = 3;
        var model = TrainingData.IrisModel(seed: 1);
        var before = TrainingData.AllValues(model);

        var act = () => new Trainer(model, new SgdMomentum(model.Parameters, 0.1)).Fit(inputs, labels);

        act.Should().Throw<ArgumentException>().WithMessage("*[0, 3)*labels[7] is 3*");
        TrainingData.AllValues(model).Should().Equal(before);
    }

    [Fact]
    public void Fit_InputWidthWrong_ThrowsNamingExpectedAndActual()
    {
        var model = TrainingData.IrisModel(seed: 1);

        var act = () => new Trainer(model, new SgdMomentum(model.Parameters, 0.1)).Fit(Tensor.Zeros(10, 5), new int[10]);

        act.Should().Throw<ArgumentException>().WithMessage("*[batch, 4]*[*, 5]*").And.ParamName.Should().Be("inputs");
    }

    [Fact]
    public void Fit_BatchSizeOneWithBatchNorm_Throws()
    {
        var (inputs, labels) = TrainingData.Clusters(10, 4, 3, seed: 1);
        var model = TrainingData.IrisModel(seed: 1);

        var act = () => new Trainer(model, new SgdMomentum(model.Parameters, 0.1))
            .Fit(inputs, labels, new FitOptions { BatchSize = 1 });

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*at least 2 rows per batch*batch size is 1*");
    }

    [Fact]
    public void Fit_SingleTrainingRow_ThrowsSayingThereIsNoBatch()
    {
        var model = TrainingData.IrisModel(seed: 1);

        var act = () => new Trainer(model, new SgdMomentum(model.Parameters, 0.1)).Fit(Tensor.Zeros(1, 4), [0]);

        act.Should().Throw<ArgumentException>().WithMessage("*no batch to train on*1 training rows*");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void FitOptions_EpochsOrBatchSizeBelowOne_Throw(int value)
    {
        var epochs = () => new FitOptions { Epochs = value };
        var batchSize = () => new FitOptions { BatchSize = value };

        epochs.Should().Throw<ArgumentOutOfRangeException>().WithMessage($"Epochs must be at least 1, but was {value}.*");
        batchSize.Should().Throw<ArgumentOutOfRangeException>().WithMessage($"BatchSize must be at least 1, but was {value}.*");
    }

    [Fact]
    public void Fit_ValidationLabelsWithoutInputs_Throws()
    {
        var (inputs, labels) = TrainingData.Clusters(10, 4, 3, seed: 1);
        var model = TrainingData.IrisModel(seed: 1);

        var act = () => new Trainer(model, new SgdMomentum(model.Parameters, 0.1))
            .Fit(inputs, labels, new FitOptions { ValidationLabels = labels });

        act.Should().Throw<ArgumentException>().WithMessage("*both ValidationInputs and ValidationLabels*");
    }

    [Fact]
    public void Fit_ValidationLabelCountWrong_ThrowsBeforeTraining()
    {
        var (inputs, labels) = TrainingData.Clusters(10, 4, 3, seed: 1);
        var model = TrainingData.IrisModel(seed: 1);
        var before = TrainingData.AllValues(model);

        var act = () => new Trainer(model, new SgdMomentum(model.Parameters, 0.1))
            .Fit(inputs, labels, new FitOptions { ValidationInputs = inputs, ValidationLabels = new int[4] });

        act.Should().Throw<ArgumentException>().WithMessage("*(10)*got 4 labels in ValidationLabels*");
        TrainingData.AllValues(model).Should().Equal(before);
    }

    private static double[] TrainOnce(Tensor inputs, int[] labels, int seed)
    {
        var model = TrainingData.IrisModel(seed: 21);
        new Trainer(model, new SgdMomentum(model.Parameters, 0.1, 0.9))
            .Fit(inputs, labels, new FitOptions { Epochs = 3, BatchSize = 8, Seed = seed });
        return TrainingData.AllValues(model);
    }

    [Fact]
    public void Fit_ValidationSplit_HoldsOutTheLastRowsAsKerasDoes()
    {
        var (inputs, labels) = TrainingData.Clusters(40, 4, 3, seed: 17);
        var split = TrainingData.IrisModel(seed: 18);
        var explicitModel = TrainingData.IrisModel(seed: 18);
        var train = Tensor.FromSpan(inputs.AsReadOnlySpan()[..(32 * 4)], 32, 4);
        var held = Tensor.FromSpan(inputs.AsReadOnlySpan()[(32 * 4)..], 8, 4);

        var viaSplit = new Trainer(split, new SgdMomentum(split.Parameters, 0.1, 0.9)).Fit(inputs, labels,
            new FitOptions { Epochs = 2, BatchSize = 8, Seed = 3, ValidationSplit = 0.2 });
        var viaInputs = new Trainer(explicitModel, new SgdMomentum(explicitModel.Parameters, 0.1, 0.9)).Fit(train,
            labels[..32], new FitOptions { Epochs = 2, BatchSize = 8, Seed = 3, ValidationInputs = held, ValidationLabels = labels[32..] });

        viaSplit.Epochs.Select(e => e.ValidationLoss).Should().Equal(viaInputs.Epochs.Select(e => e.ValidationLoss));
        viaSplit.Epochs[0].ValidationLoss.Should().NotBeNull();
    }

    [Fact]
    public void Fit_ValidationSplitAndValidationInputs_Throws()
    {
        var (inputs, labels) = TrainingData.Clusters(40, 4, 3, seed: 17);
        var model = TrainingData.IrisModel(seed: 18);

        var act = () => new Trainer(model, new SgdMomentum(model.Parameters, 0.1, 0.9)).Fit(inputs, labels,
            new FitOptions { ValidationSplit = 0.2, ValidationInputs = inputs, ValidationLabels = labels });

        act.Should().Throw<ArgumentException>().WithMessage("*ValidationSplit and ValidationInputs*both set*");
    }
}
