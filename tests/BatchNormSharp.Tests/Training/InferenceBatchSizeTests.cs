using BatchNormSharp.Tests.Helpers;

namespace BatchNormSharp.Tests.Training;

/// <summary>
/// What the batch size of Predict changes: a batch too large for an array at some layer is refused up front with
/// advice, in the documented family (issue 13, item 7: it failed inside Gemm), and results depend on the batch size
/// exactly when a BatchNorm has no running statistics (item 8), as the docs say.
/// </summary>
public class InferenceBatchSizeTests
{
    [Fact]
    public void Predict_BatchWhoseRowsTimesWidestLayerExceedAnArray_ThrowsArgumentExceptionWithAdvice()
    {
        // 32,769 rows × 65,536 features at the hidden layer = 2^31 + 65,536 values: the inference path's int product
        // wrapped around and failed inside Gemm.
        var model = new Sequential(new Dense(1, 65536, seed: 1), new Dense(65536, 2, seed: 2));
        var inputs = Tensor.Zeros(32769, 1);

        var act = () => model.Predict(inputs, batchSize: 40_000);

        act.Should().Throw<ArgumentException>()
            .WithMessage("In layer 1: Dense(65536 -> 2) got shape [32769, 65536], more values than one array holds " +
                         "(2147483591): split the batch.*");
    }

    [Fact]
    public void Evaluate_BatchWhoseRowsTimesWidestLayerExceedAnArray_ThrowsArgumentException()
    {
        var model = new Sequential(new Dense(1, 65536, seed: 1), new Dense(65536, 2, seed: 2));
        var inputs = Tensor.Zeros(32769, 1);

        var act = () => model.Evaluate(inputs, new int[32769], batchSize: 32769);

        act.Should().Throw<ArgumentException>().WithMessage("*more values than one array holds*split the batch*");
    }

    [Fact]
    public void Fit_BatchWhoseRowsTimesWidestLayerExceedAnArray_ThrowsBeforeTraining()
    {
        var model = new Sequential(new Dense(1, 65536, seed: 1), new Dense(65536, 2, seed: 2));
        var before = TrainingData.AllValues(model);
        var trainer = new Trainer(model, new SgdMomentum(model.Parameters, 0.1));

        var act = () => trainer.Fit(Tensor.Zeros(32769, 1), new int[32769], new FitOptions { BatchSize = 32769 });

        act.Should().Throw<ArgumentException>().WithMessage("*more values than one array holds*split the batch*");
        TrainingData.AllValues(model).Should().Equal(before);
    }

    [Fact]
    public void Predict_ProbabilitiesOfAllRowsExceedAnArray_ThrowsArgumentException()
    {
        var model = new Dense(1, 65536, seed: 1);

        var act = () => model.Predict(Tensor.Zeros(32769, 1), batchSize: 2);

        act.Should().Throw<ArgumentException>()
            .WithMessage("The result for 32769 rows of 65536 outputs needs 2147549184 values*Pass at most 32767 rows per call.*")
            .Which.ParamName.Should().Be("inputs");
    }

    [Fact]
    public void Predict_BatchNormWithRunningStatistics_GivesEveryRowTheSameResultInAnyBatchSize()
    {
        var (inputs, labels) = TrainingData.Clusters(30, 4, 3, seed: 1);
        var model = TrainingData.IrisModel(seed: 2);
        new Trainer(model, new SgdMomentum(model.Parameters, 0.1, 0.9)).Fit(inputs, labels, new FitOptions { Epochs = 2 });

        var whole = model.Predict(inputs, batchSize: 30).Probabilities.AsReadOnlySpan().ToArray();
        var inSevens = model.Predict(inputs, batchSize: 7).Probabilities.AsReadOnlySpan().ToArray();

        inSevens.Should().Equal(whole);
    }

    [Fact]
    public void Predict_BatchNormWithoutRunningStatistics_DependsOnTheBatchSizeAsDocumented()
    {
        var (inputs, _) = TrainingData.Clusters(30, 4, 3, seed: 1);
        var model = new Sequential(new Dense(4, 6, seed: 3), new BatchNorm(6, trackRunningStats: false), new Dense(6, 3, seed: 4));

        var whole = model.Predict(inputs, batchSize: 30).Probabilities.AsReadOnlySpan().ToArray();
        var inSevens = model.Predict(inputs, batchSize: 7).Probabilities.AsReadOnlySpan().ToArray();

        inSevens.Should().NotEqual(whole, "each batch is normalised with its own statistics, also in inference");
    }
}
