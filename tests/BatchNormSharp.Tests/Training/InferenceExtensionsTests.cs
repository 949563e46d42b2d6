using BatchNormSharp.Tests.Helpers;

namespace BatchNormSharp.Tests.Training;

public class InferenceExtensionsTests
{
    [Fact]
    public void Predict_RunsInInferenceMode_ChangingNoStatistic()
    {
        var model = TrainedModel();
        var before = TrainingData.AllValues(model);

        model.Predict(TrainingData.RandomInputs(7, 4, seed: 3), batchSize: 3);

        TrainingData.AllValues(model).Should().Equal(before);
    }

    [Fact]
    public void Predict_ProbabilitiesAreTheSoftmaxOfInferenceLogits()
    {
        var model = TrainedModel();
        var inputs = TrainingData.RandomInputs(7, 4, seed: 3);

        var prediction = model.Predict(inputs, batchSize: 3);

        var logits = model.Forward(inputs, ForwardMode.Inference);
        for (int i = 0; i < 7; i++)
        {
            double max = logits.Row(i).ToArray().Max();
            double sum = logits.Row(i).ToArray().Sum(z => Math.Exp(z - max));
            for (int k = 0; k < 3; k++)
            {
                prediction.Probabilities[i, k].Should().BeApproximately(Math.Exp(logits[i, k] - max) / sum, 1e-15);
            }
        }
        prediction.Classes.Should().Equal(logits.ArgMaxRows());
    }

    [Fact]
    public void Predict_BatchSize_DoesNotChangeTheResult()
    {
        var model = TrainedModel();
        var inputs = TrainingData.RandomInputs(9, 4, seed: 4);

        var oneAtATime = model.Predict(inputs, batchSize: 1);
        var allAtOnce = model.Predict(inputs);

        for (int k = 0; k < allAtOnce.Probabilities.Length; k++)
        {
            oneAtATime.Probabilities.AsReadOnlySpan()[k].Should().BeApproximately(allAtOnce.Probabilities.AsReadOnlySpan()[k], 1e-14);
        }
    }

    [Fact]
    public void Evaluate_MatchesLossAndAccuracyComputedByHand()
    {
        var model = TrainedModel();
        var (inputs, labels) = TrainingData.Clusters(11, 4, 3, seed: 5);
        var before = TrainingData.AllValues(model);

        var result = model.Evaluate(inputs, labels, batchSize: 4);

        var logits = model.Forward(inputs, ForwardMode.Inference);
        double expectedLoss = new SoftmaxCrossEntropy().Forward(logits, labels);
        int expectedCorrect = logits.ArgMaxRows().Zip(labels).Count(pair => pair.First == pair.Second);
        result.Loss.Should().BeApproximately(expectedLoss, 1e-12);
        result.Correct.Should().Be(expectedCorrect);
        result.Count.Should().Be(11);
        result.Accuracy.Should().Be(expectedCorrect / 11.0);
        TrainingData.AllValues(model).Should().Equal(before);
    }

    [Fact]
    public void Evaluate_LabelOutOfRange_ThrowsNamingIt()
    {
        var model = TrainedModel();

        var act = () => model.Evaluate(Tensor.Zeros(2, 4), [0, -1]);

        act.Should().Throw<ArgumentException>().WithMessage("*[0, 3)*labels[1] is -1*");
    }

    [Fact]
    public void Predict_BatchSizeZero_Throws()
    {
        var act = () => TrainedModel().Predict(Tensor.Zeros(2, 4), batchSize: 0);

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*at least 1, but was 0*");
    }

    [Fact]
    public void Predict_BatchNormWithoutRunningStatisticsAndALastSingleRow_Throws()
    {
        var model = new Sequential(new Dense(4, 3, seed: 1), new BatchNorm(3, trackRunningStats: false));

        var act = () => model.Predict(Tensor.Zeros(5, 4), batchSize: 2);

        act.Should().Throw<ArgumentException>().WithMessage("*without running statistics*last batch of 1 row*");
    }

    private static Sequential TrainedModel()
    {
        var (inputs, labels) = TrainingData.Clusters(30, 4, 3, seed: 1);
        var model = TrainingData.IrisModel(seed: 2);
        new Trainer(model, new SgdMomentum(model.Parameters, 0.1, 0.9))
            .Fit(inputs, labels, new FitOptions { Epochs = 2, BatchSize = 10 });
        return model;
    }

    [Fact]
    public void Evaluate_SameModelTwice_ResultsAreEqualAsValues()
    {
        var model = TrainingData.IrisModel(seed: 31);
        var (inputs, labels) = TrainingData.Clusters(30, 4, 3, seed: 32);

        var first = model.Evaluate(inputs, labels);
        var second = model.Evaluate(inputs, labels);

        second.Should().Be(first, "an evaluation is a value: its confusion matrix compares by its counts");
        first.ConfusionMatrix!.Total.Should().Be(30);
    }
}
