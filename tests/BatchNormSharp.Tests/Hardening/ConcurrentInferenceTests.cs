using BatchNormSharp.Kernels;
using BatchNormSharp.Tests.Helpers;

namespace BatchNormSharp.Tests.Hardening;

/// <summary>
/// Predict and Evaluate on one trained model from several threads at once give, bit for bit, what sequential calls
/// give, and write nothing of the model (no running statistic, no mode, no forward cache).
/// </summary>
public class ConcurrentInferenceTests
{
    private const int Threads = 8;
    private const int CallsPerThread = 40;
    private static readonly int[] BatchSizes = [7, 32, 256];

    [Fact]
    public void Predict_EightThreadsOnOneModel_EqualSequentialResultsBitForBit()
    {
        var model = TrainedModel(TrainingData.NestedModel(seed: 1), features: 3);
        var inputs = TrainingData.RandomInputs(300, 3, seed: 2);
        var expected = BatchSizes.Select(size => Bits(model.Predict(inputs, size))).ToArray();
        var before = StateSnapshot.Of(model);

        var mismatches = RunConcurrently(call =>
        {
            int which = call % BatchSizes.Length;
            return Bits(model.Predict(inputs, BatchSizes[which])).SequenceEqual(expected[which]);
        });

        mismatches.Should().Be(0);
        before.ShouldBeUnchanged("inference writes no running statistic");
    }

    [Fact]
    public void Evaluate_EightThreadsOnOneModel_EqualSequentialResultsBitForBit()
    {
        var model = TrainedModel(TrainingData.IrisModel(seed: 3), features: 4);
        var (inputs, labels) = TrainingData.Clusters(250, 4, 3, seed: 4);
        var expected = BatchSizes.Select(size => model.Evaluate(inputs, labels, size)).ToArray();

        var mismatches = RunConcurrently(call =>
        {
            int which = call % BatchSizes.Length;
            var result = model.Evaluate(inputs, labels, BatchSizes[which]);
            return BitConverter.DoubleToInt64Bits(result.Loss) == BitConverter.DoubleToInt64Bits(expected[which].Loss)
                   && result.Correct == expected[which].Correct;
        });

        mismatches.Should().Be(0);
    }

    [Fact]
    public void Predict_LibraryLayersOnly_EqualsSoftmaxOfForwardInInferenceBitForBit()
    {
        var model = TrainedModel(TrainingData.NestedModel(seed: 5), features: 3);
        var inputs = TrainingData.RandomInputs(50, 3, seed: 6);

        var prediction = model.Predict(inputs, batchSize: 50);

        var logits = model.Forward(inputs, ForwardMode.Inference);
        var probabilities = SoftmaxOf(logits);
        Bits(prediction.Probabilities).Should().Equal(Bits(probabilities));
    }

    [Fact]
    public void Predict_BatchNormWithoutRunningStatistics_NormalisesEachBatchLikeForward()
    {
        var random = new Random(7);
        var model = new Sequential(new Dense(3, 4, random), new BatchNorm(4, trackRunningStats: false), new ReLU(),
            new Dense(4, 2, random));
        var inputs = TrainingData.RandomInputs(12, 3, seed: 8);

        var prediction = model.Predict(inputs, batchSize: 6);

        var secondBatch = Tensor.FromSpan(inputs.AsReadOnlySpan()[18..], 6, 3);
        var logits = model.Forward(secondBatch, ForwardMode.Inference);
        var probabilities = SoftmaxOf(logits);
        Bits(prediction.Probabilities)[^2..].Should().Equal(Bits(probabilities)[^2..]);
    }

    [Fact]
    public void Predict_BetweenForwardAndBackward_LeavesModesAndThePendingBackwardAlone()
    {
        var model = TrainingData.IrisModel(seed: 9);
        var twin = TrainingData.IrisModel(seed: 9);
        var x = TrainingData.RandomInputs(6, 4, seed: 10);
        var dy = TestData.Normal(6, 3, seed: 11);
        model.Forward(x, ForwardMode.Training);
        twin.Forward(x, ForwardMode.Training);

        model.Predict(TrainingData.RandomInputs(9, 4, seed: 12), batchSize: 4);
        var dx = model.Backward(dy);

        AllLayers(model).Should().OnlyContain(layer => layer.Mode == ForwardMode.Training);
        Bits(dx).Should().Equal(Bits(twin.Backward(dy)));
        TrainingData.AllValues(model).Should().Equal(TrainingData.AllValues(twin));
    }

    [Fact]
    public void Predict_ModelWithAUsersLayer_GoesThroughItsInferencePath()
    {
        var model = new Sequential(new Dense(3, 2, seed: 1), new RefusingLayer(maxRows: 100));
        var inputs = TrainingData.RandomInputs(5, 3, seed: 13);

        var prediction = model.Predict(inputs);

        prediction.Classes.Should().Equal(model.Forward(inputs, ForwardMode.Inference).ArgMaxRows());
    }

    /// <summary>Runs <paramref name="call"/> <see cref="CallsPerThread"/> times on each of <see cref="Threads"/>
    /// threads released together; returns how many calls disagreed with the sequential result.</summary>
    private static int RunConcurrently(Func<int, bool> call)
    {
        int mismatches = 0;
        using var start = new Barrier(Threads);
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < CallsPerThread; i++)
            {
                if (!call(t + i))
                {
                    Interlocked.Increment(ref mismatches);
                }
            }
        })).ToList();
        threads.ForEach(thread => thread.Start());
        threads.ForEach(thread => thread.Join());
        return mismatches;
    }

    private static Sequential TrainedModel(Sequential model, int features)
    {
        var (inputs, labels) = TrainingData.Clusters(60, features, ClassCount(model), seed: 14);
        new Trainer(model, new SgdMomentum(model.Parameters, 0.05, 0.9))
            .Fit(inputs, labels, new FitOptions { Epochs = 3, BatchSize = 12 });
        return model;
    }

    private static int ClassCount(Sequential model) => model.Layers[^1] switch
    {
        Dense dense => dense.OutFeatures,
        BatchNorm batchNorm => batchNorm.NumFeatures,
        _ => throw new ArgumentException("The model must end in Dense or BatchNorm.", nameof(model)),
    };

    private static long[] Bits(Prediction prediction) =>
        [.. Bits(prediction.Probabilities), .. prediction.Classes.Select(c => (long)c)];

    private static long[] Bits(Tensor tensor) => [.. tensor.ToArray().Select(BitConverter.DoubleToInt64Bits)];

    private static IEnumerable<Layer> AllLayers(Layer layer) =>
        layer is Sequential sequential ? sequential.Layers.SelectMany(AllLayers).Prepend(layer) : [layer];

    /// <summary>Row-wise softmax with the kernel Predict uses, so that bits can be compared.</summary>
    private static Tensor SoftmaxOf(Tensor logits)
    {
        int rows = logits.Shape[0], classes = logits.Shape[1];
        var probabilities = Tensor.Zeros(rows, classes);
        Softmax.Rows(logits.AsReadOnlySpan(), rows, classes, probabilities.AsSpan(), new double[rows]);
        return probabilities;
    }
}
