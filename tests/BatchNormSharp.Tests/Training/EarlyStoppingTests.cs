using BatchNormSharp.Tests.Helpers;

namespace BatchNormSharp.Tests.Training;

public class EarlyStoppingTests
{
    [Fact]
    public void Fit_ValidationLossWorsens_StopsAfterPatienceAndRestoresTheBestEpochsWeights()
    {
        // Validation labels are the training labels shifted by one class: the better the model learns the
        // training data, the worse its validation loss, so the first epoch is the best.
        var (inputs, labels) = TrainingData.Clusters(60, 4, 3, seed: 1);
        int[] wrongLabels = [.. labels.Select(label => (label + 1) % 3)];
        var model = TrainingData.IrisModel(seed: 2);
        var snapshots = new Dictionary<int, double[]>();
        var log = new ProgressLog(report =>
        {
            if (report.CompletedEpoch is { } epoch)
            {
                snapshots[epoch.Epoch] = TrainingData.AllValues(model);
            }
        });

        var history = new Trainer(model, new SgdMomentum(model.Parameters, 0.1, 0.9)).Fit(inputs, labels,
            new FitOptions
            {
                Epochs = 30,
                BatchSize = 10,
                ValidationInputs = inputs,
                ValidationLabels = wrongLabels,
                EarlyStopping = new EarlyStopping { Patience = 3, RestoreBestWeights = true },
            }, log);

        history.StopReason.Should().Be(StopReason.EarlyStopped);
        history.BestEpoch!.Epoch.Should().Be(1);
        history.Epochs.Should().HaveCount(4, "patience 3 allows three epochs without improvement after the best");
        history.StopMessage.Should().Be("ValidationLoss did not improve for 3 epochs after epoch 1; stopped after epoch 4.");
        history.RestoredBestWeights.Should().BeTrue();
        TrainingData.AllValues(model).Should().Equal(snapshots[1]);
        TrainingData.AllValues(model).Should().NotEqual(snapshots[4]);
    }

    [Fact]
    public void Fit_WithoutRestoreBestWeights_KeepsTheLastWeights()
    {
        var (inputs, labels) = TrainingData.Clusters(60, 4, 3, seed: 1);
        int[] wrongLabels = [.. labels.Select(label => (label + 1) % 3)];
        var model = TrainingData.IrisModel(seed: 2);
        double[]? last = null;
        var log = new ProgressLog(report =>
        {
            if (report.CompletedEpoch is not null)
            {
                last = TrainingData.AllValues(model);
            }
        });

        var history = new Trainer(model, new SgdMomentum(model.Parameters, 0.1, 0.9)).Fit(inputs, labels,
            new FitOptions
            {
                Epochs = 30,
                BatchSize = 10,
                ValidationInputs = inputs,
                ValidationLabels = wrongLabels,
                EarlyStopping = new EarlyStopping { Patience = 1 },
            }, log);

        history.StopReason.Should().Be(StopReason.EarlyStopped);
        history.RestoredBestWeights.Should().BeFalse();
        TrainingData.AllValues(model).Should().Equal(last);
    }

    [Fact]
    public void Fit_MinDeltaLargerThanAnyGain_StopsAtTheFirstEpochAfterTheFirst()
    {
        var (inputs, labels) = TrainingData.Clusters(60, 4, 3, seed: 3);
        var model = TrainingData.IrisModel(seed: 4);

        var history = new Trainer(model, new SgdMomentum(model.Parameters, 0.1, 0.9)).Fit(inputs, labels,
            new FitOptions
            {
                Epochs = 30,
                BatchSize = 10,
                EarlyStopping = new EarlyStopping { Monitor = TrainingMetric.TrainingAccuracy, MinDelta = 2.0 },
            });

        history.StopReason.Should().Be(StopReason.EarlyStopped);
        history.Epochs.Should().HaveCount(2);
    }

    [Fact]
    public void Fit_ImprovingTrainingLoss_RunsEveryEpoch()
    {
        var (inputs, labels) = TrainingData.Clusters(60, 4, 3, seed: 3);
        var model = TrainingData.IrisModel(seed: 4);

        var history = new Trainer(model, new SgdMomentum(model.Parameters, 0.05, 0.9)).Fit(inputs, labels,
            new FitOptions
            {
                Epochs = 5,
                BatchSize = 60,
                Shuffle = false,
                EarlyStopping = new EarlyStopping { Monitor = TrainingMetric.TrainingLoss, Patience = 2 },
            });

        history.StopReason.Should().Be(StopReason.Completed);
        history.BestEpoch!.Epoch.Should().Be(5);
    }

    [Fact]
    public void Fit_ValidationInputWithNaN_ThrowsNamingItsRowAndColumnBeforeAnythingTrains()
    {
        var (inputs, labels) = TrainingData.Clusters(40, 4, 3, seed: 3);
        var validationInputs = inputs.Clone();
        validationInputs[0, 3] = double.NaN;
        var model = TrainingData.IrisModel(seed: 4);

        var act = () => new Trainer(model, new SgdMomentum(model.Parameters, 0.1, 0.9)).Fit(inputs, labels,
            new FitOptions
            {
                Epochs = 10,
                BatchSize = 10,
                ValidationInputs = validationInputs,
                ValidationLabels = labels,
                EarlyStopping = new EarlyStopping { Patience = 2, RestoreBestWeights = true },
            });

        act.Should().Throw<ArgumentException>().WithMessage("*ValidationInputs, but row 0, column 3 holds NaN*");
    }

    [Fact]
    public void Fit_MonitoringValidationWithoutValidationData_Throws()
    {
        var (inputs, labels) = TrainingData.Clusters(20, 4, 3, seed: 3);
        var model = TrainingData.IrisModel(seed: 4);

        var act = () => new Trainer(model, new SgdMomentum(model.Parameters, 0.1)).Fit(inputs, labels,
            new FitOptions { EarlyStopping = new EarlyStopping() });

        act.Should().Throw<ArgumentException>().WithMessage("*monitors ValidationLoss*needs validation data*");
    }

    [Fact]
    public void Settings_NegativePatienceOrMinDelta_Throw()
    {
        var patience = () => new EarlyStopping { Patience = -1 };
        var minDelta = () => new EarlyStopping { MinDelta = double.NaN };

        patience.Should().Throw<ArgumentOutOfRangeException>().WithMessage("Patience must be 0 or more, but was -1.*");
        minDelta.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*MinDelta*NaN*");
    }
}
