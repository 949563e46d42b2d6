using BatchNormSharp.Tests.Helpers;

namespace BatchNormSharp.Tests.Training;

/// <summary>
/// Fit, Evaluate and Predict for every task the loss can set (binary and regression besides several classes), and the
/// Fit options that act on the gradients and the learning rate (clipping, schedules), each checked against what a
/// hand-written loop or a direct computation gives.
/// </summary>
public class TrainerTasksTests
{
    private static readonly FitOptions Quiet = new() { Verbosity = FitVerbosity.Silent, Shuffle = false };

    private static (Tensor Inputs, Tensor Targets) BinaryData(int rows, int seed)
    {
        var (inputs, labels) = TrainingData.Clusters(rows, 4, 2, seed);
        return (inputs, Tensor.FromSpan([.. labels.Select(label => (double)label)], rows, 1));
    }

    private static (Tensor Inputs, Tensor Targets) RegressionData(int rows, int seed)
    {
        var inputs = TestData.Normal(rows, 3, seed);
        var targets = Tensor.Zeros(rows, 1);
        for (int i = 0; i < rows; i++)
        {
            targets[i, 0] = (2 * inputs[i, 0]) - inputs[i, 1] + (0.5 * inputs[i, 2]);
        }
        return (inputs, targets);
    }

    private static Sequential OneOutputModel(int features, int seed)
    {
        var random = new Random(seed);
        return new Sequential(new Dense(features, 8, random), new BatchNorm(8), new ReLU(), new Dense(8, 1, random));
    }

    [Fact]
    public void Fit_BinaryLoss_ReportsAccuracyAtProbabilityOneHalfAndPredictsSigmoidProbabilities()
    {
        var (inputs, targets) = BinaryData(40, seed: 1);
        var model = OneOutputModel(4, seed: 2);
        var trainer = new Trainer(model, new Adam(model.Parameters, learningRate: 0.01), new BinaryCrossEntropyWithLogits());

        var history = trainer.Fit(inputs, targets, Quiet with { Epochs = 5, BatchSize = 8 });
        var prediction = trainer.Predict(inputs);
        var logits = model.Forward(inputs, ForwardMode.Inference).ToArray();

        history.Epochs.Should().OnlyContain(epoch => epoch.TrainingAccuracy.HasValue && epoch.TrainingMeanAbsoluteError == null);
        prediction.Probabilities.ToArray().Should().Equal(logits.Select(x => 1 / (1 + Math.Exp(-x))),
            (a, b) => Math.Abs(a - b) <= 1e-15);
        prediction.Classes.Should().Equal(logits.Select(x => x > 0 ? 1 : 0));
        var evaluation = trainer.Evaluate(inputs, targets);
        evaluation.Accuracy.Should().Be(prediction.Classes.Zip(targets.ToArray(), (p, t) => p == t ? 1.0 : 0.0).Average());
        evaluation.RocAuc.Should().Be(BinaryMetrics.RocAuc(logits, targets.ToArray()));
    }

    [Fact]
    public void Fit_RegressionLoss_ReportsMeanAbsoluteErrorAndEvaluateMatchesADirectComputation()
    {
        var (inputs, targets) = RegressionData(48, seed: 3);
        var model = OneOutputModel(3, seed: 4);
        var trainer = new Trainer(model, new Adam(model.Parameters, learningRate: 0.01), new MeanSquaredError());

        var history = trainer.Fit(inputs, targets, Quiet with { Epochs = 20, BatchSize = 8, ValidationSplit = 0.25 });
        var evaluation = trainer.Evaluate(inputs, targets);
        double[] predicted = trainer.Predict(inputs).Values.ToArray(), actual = targets.ToArray();

        history.Epochs.Should().OnlyContain(epoch => epoch.TrainingAccuracy == null && epoch.TrainingMeanAbsoluteError.HasValue
            && epoch.ValidationMeanAbsoluteError.HasValue);
        history.TrainingLoss[^1].Should().BeLessThan(history.TrainingLoss[0], "the model learns the linear map");
        evaluation.MeanAbsoluteError.Should().BeApproximately(predicted.Zip(actual, (p, t) => Math.Abs(p - t)).Average(), 1e-14);
        evaluation.RootMeanSquaredError.Should().BeApproximately(
            Math.Sqrt(predicted.Zip(actual, (p, t) => (p - t) * (p - t)).Average()), 1e-14);
        evaluation.Loss.Should().BeApproximately(Math.Pow(evaluation.RootMeanSquaredError!.Value, 2), 1e-12);
        var accuracy = () => evaluation.Accuracy;
        accuracy.Should().Throw<InvalidOperationException>().WithMessage("*regression has no accuracy*");
    }

    [Fact]
    public void Fit_ClipGradientValue_EqualsAHandLoopThatClipsBeforeEachStep()
    {
        var (inputs, labels) = TrainingData.Clusters(32, 4, 3, seed: 5);
        var fitted = TrainingData.IrisModel(seed: 6);
        var byHand = TrainingData.IrisModel(seed: 6);
        var handOptimizer = new SgdMomentum(byHand.Parameters, 0.5, 0.9);
        var loss = new SoftmaxCrossEntropy();

        new Trainer(fitted, new SgdMomentum(fitted.Parameters, 0.5, 0.9))
            .Fit(inputs, labels, Quiet with { Epochs = 1, BatchSize = 32, ClipGradientValue = 0.01 });
        handOptimizer.ZeroGrad();
        loss.Forward(byHand.Forward(inputs, ForwardMode.Training), labels.AsSpan());
        byHand.Backward(loss.Backward(), computeInputGradient: false);
        GradientClipping.ClipGradValue(handOptimizer.Parameters, 0.01);
        handOptimizer.Step();

        TrainingData.AllValues(fitted).Should().Equal(TrainingData.AllValues(byHand));
    }

    [Fact]
    public void Fit_ClipGradientNorm_ScalesTheStepsGradientsToTheBound()
    {
        var (inputs, labels) = TrainingData.Clusters(32, 4, 3, seed: 7);
        var model = TrainingData.IrisModel(seed: 8);
        var optimizer = new SgdMomentum(model.Parameters, 0.1, 0.0);

        new Trainer(model, optimizer).Fit(inputs, labels, Quiet with { Epochs = 1, BatchSize = 32, ClipGradientNorm = 0.05 });

        // The one step's gradients, which Fit leaves in place, were scaled to the bound: PyTorch's factor
        // maxNorm / (norm + 1e-6) puts them a hair below it. Merely small (or zeroed) gradients fail the lower bound.
        double norm = Math.Sqrt(model.Parameters.Sum(p => p.Gradient.ToArray().Sum(g => g * g)));
        norm.Should().BeInRange(0.05 * (1 - 1e-4), 0.05 * (1 + 1e-12), "the gradients of the step were clipped to the bound");
    }

    [Fact]
    public void Fit_LearningRateSchedule_StepsOncePerEpoch()
    {
        var (inputs, labels) = TrainingData.Clusters(32, 4, 3, seed: 9);
        var model = TrainingData.IrisModel(seed: 10);
        var optimizer = new SgdMomentum(model.Parameters, 0.8, 0.9);

        new Trainer(model, optimizer).Fit(inputs, labels,
            Quiet with { Epochs = 3, BatchSize = 16, LearningRateSchedule = new StepLR(optimizer, stepSize: 1, gamma: 0.5) });

        optimizer.LearningRate.Should().Be(0.1);
    }

    [Fact]
    public void Fit_PlateauScheduleOnValidationLoss_NeedsValidationDataAndAnotherOptimizersScheduleIsRefused()
    {
        var (inputs, labels) = TrainingData.Clusters(32, 4, 3, seed: 11);
        var model = TrainingData.IrisModel(seed: 12);
        var optimizer = new SgdMomentum(model.Parameters, 0.1, 0.9);
        var trainer = new Trainer(model, optimizer);
        var other = new SgdMomentum(TrainingData.IrisModel(seed: 13).Parameters, 0.1, 0.9);

        var withoutValidation = () => trainer.Fit(inputs, labels, Quiet with { ReduceLearningRateOnPlateau = new ReduceLROnPlateau(optimizer) });
        var foreignSchedule = () => trainer.Fit(inputs, labels, Quiet with { LearningRateSchedule = new StepLR(other, stepSize: 1) });

        withoutValidation.Should().Throw<ArgumentException>().WithMessage("The plateau schedule monitors ValidationLoss, which needs validation data*");
        foreignSchedule.Should().Throw<ArgumentException>().WithMessage("*built over another optimizer*");
        model.Parameters[0].Value.ToArray().Should().Equal(TrainingData.IrisModel(seed: 12).Parameters[0].Value.ToArray());
    }

    [Fact]
    public void Fit_BinaryTargetsOutsideZeroOne_ThrowsWithTheMinusOneHint()
    {
        var (inputs, targets) = BinaryData(16, seed: 14);
        targets.AsSpan()[3] = -1;
        var model = OneOutputModel(4, seed: 15);

        var act = () => new Trainer(model, new Adam(model.Parameters), new BinaryCrossEntropyWithLogits())
            .Fit(inputs, targets, Quiet);

        act.Should().Throw<ArgumentException>().WithMessage("Binary targets must lie in [0, 1]*-1*map -1 to 0*")
            .Which.ParamName.Should().Be("targets");
    }

    [Fact]
    public void Fit_MonitoringAccuracyInARegression_ThrowsNamingWhatTheTaskReports()
    {
        var (inputs, targets) = RegressionData(16, seed: 16);
        var model = OneOutputModel(3, seed: 17);

        var act = () => new Trainer(model, new Adam(model.Parameters), new MeanSquaredError()).Fit(inputs, targets,
            Quiet with { EarlyStopping = new EarlyStopping { Monitor = TrainingMetric.TrainingAccuracy } });

        act.Should().Throw<ArgumentException>().WithMessage("Early stopping monitors TrainingAccuracy, which a Regression loss does not report*");
    }
}
