using BatchNormSharp.Kernels;
using BatchNormSharp.Tests.Helpers;

namespace BatchNormSharp.Tests.Hardening;

/// <summary>
/// The same seeds give bit-identical training, run twice in one process: weights, running statistics, momentum buffers
/// and the recorded losses, through <see cref="Trainer.Fit"/> and through a hand-written loop.
/// </summary>
/// <remarks>
/// Also: the kernels give the same bits whether they run on one thread or split their work across two.
/// </remarks>
public class DeterminismTests
{
    [Fact]
    public void Fit_SameSeedsTwiceInOneProcess_GiveBitIdenticalWeightsStatisticsMomentumAndLosses()
    {
        var first = FitOnce(modelSeed: 1, shuffleSeed: 2);
        var second = FitOnce(modelSeed: 1, shuffleSeed: 2);
        var otherShuffle = FitOnce(modelSeed: 1, shuffleSeed: 3);

        second.Should().Equal(first);
        otherShuffle.Should().NotEqual(first, "the check must be able to see a difference");
    }

    [Fact]
    public void HandLoop_SameSeedsTwiceInOneProcess_GiveBitIdenticalWeightsStatisticsMomentumAndLosses()
    {
        var first = HandLoopOnce(modelSeed: 4, shuffleSeed: 5);
        var second = HandLoopOnce(modelSeed: 4, shuffleSeed: 5);
        var otherModel = HandLoopOnce(modelSeed: 6, shuffleSeed: 5);

        second.Should().Equal(first);
        otherModel.Should().NotEqual(first, "the check must be able to see a difference");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Fit_KernelsOnOneThreadOrSplitAcrossTwo_GiveBitIdenticalWeights(bool splitEveryCall)
    {
        var oneThread = WithKernelThreading(KernelThreading.SingleThread, FitMediumModel);
        var twoThreads = WithKernelThreading(
            splitEveryCall ? KernelThreading.AlwaysSplit : KernelThreading.Automatic, FitMediumModel);

        twoThreads.Should().Equal(oneThread);
    }

    [Fact]
    public void Fit_TwoRunsOnTwoThreadsAtOnce_GiveTheBitsOfARunAlone()
    {
        var alone = FitOnce(modelSeed: 7, shuffleSeed: 8);
        long[]? onFirst = null, onSecond = null;

        var threads = new[]
        {
            new Thread(() => onFirst = FitOnce(modelSeed: 7, shuffleSeed: 8)),
            new Thread(() => onSecond = FitOnce(modelSeed: 7, shuffleSeed: 8)),
        };
        Array.ForEach(threads, thread => thread.Start());
        Array.ForEach(threads, thread => thread.Join());

        onFirst.Should().Equal(alone);
        onSecond.Should().Equal(alone);
    }

    [Fact]
    public void Fit_WithoutShuffling_EqualsTheHandLoopOverTheSameBatchesBitForBit()
    {
        var (inputs, labels) = TrainingData.Clusters(48, 4, 3, seed: 9);
        var fitted = TrainingData.IrisModel(seed: 10);
        var fitOptimizer = new SgdMomentum(fitted.Parameters, 0.05, 0.9);
        new Trainer(fitted, fitOptimizer).Fit(inputs, labels,
            new FitOptions { Epochs = 3, BatchSize = 16, Shuffle = false });

        var byHand = TrainingData.IrisModel(seed: 10);
        var handOptimizer = new SgdMomentum(byHand.Parameters, 0.05, 0.9);
        var loss = new SoftmaxCrossEntropy();
        int[] order = [.. Enumerable.Range(0, 48)];
        for (int epoch = 0; epoch < 3; epoch++)
        {
            TrainEpoch(byHand, handOptimizer, loss, inputs, labels, order, batchSize: 16);
        }

        Fingerprint(byHand, handOptimizer, []).Should().Equal(Fingerprint(fitted, fitOptimizer, []));
    }

    /// <summary>
    /// A model large enough that, in <see cref="KernelThreading.Automatic"/>, its first products and BatchNorm passes
    /// cross the 1 MB threshold at which the kernels split their work across threads.
    /// </summary>
    private static long[] FitMediumModel()
    {
        var (inputs, labels) = TrainingData.Clusters(512, 256, 4, seed: 14, spread: 2.0);
        var random = new Random(15);
        var model = new Sequential(new Dense(256, 512, random), new BatchNorm(512), new ReLU(),
            new Dense(512, 4, random), new BatchNorm(4));
        var optimizer = new SgdMomentum(model.Parameters, 0.05, 0.9);
        var history = new Trainer(model, optimizer).Fit(inputs, labels,
            new FitOptions { Epochs = 2, BatchSize = 256, Seed = 16 });
        return Fingerprint(model, optimizer, history.TrainingLoss);
    }

    private static long[] WithKernelThreading(KernelThreading threading, Func<long[]> run)
    {
        return KernelThreads.Run(threading, run);
    }

    /// <summary>Fit with shuffling, validation and early stopping that restores the best weights.</summary>
    private static long[] FitOnce(int modelSeed, int shuffleSeed)
    {
        var (inputs, labels) = TrainingData.Clusters(90, 4, 3, seed: 11, spread: 3.0);
        var (validationInputs, validationLabels) = TrainingData.Clusters(30, 4, 3, seed: 12, spread: 3.0);
        var model = TrainingData.IrisModel(modelSeed);
        var optimizer = new SgdMomentum(model.Parameters, 0.05, 0.9, weightDecay: 1e-4);
        var history = new Trainer(model, optimizer).Fit(inputs, labels, new FitOptions
        {
            Epochs = 6,
            BatchSize = 16,
            Seed = shuffleSeed,
            ValidationInputs = validationInputs,
            ValidationLabels = validationLabels,
            EarlyStopping = new EarlyStopping { Patience = 2, RestoreBestWeights = true },
        });
        return Fingerprint(model, optimizer, [.. history.TrainingLoss, .. history.ValidationLoss]);
    }

    /// <summary>The four-line loop over batches drawn from <c>new Random(shuffleSeed)</c>.</summary>
    private static long[] HandLoopOnce(int modelSeed, int shuffleSeed)
    {
        var (inputs, labels) = TrainingData.Clusters(64, 4, 3, seed: 13);
        var model = TrainingData.IrisModel(modelSeed);
        var optimizer = new SgdMomentum(model.Parameters, 0.1, 0.9, nesterov: true);
        var loss = new SoftmaxCrossEntropy();
        var random = new Random(shuffleSeed);
        var losses = new List<double>();
        for (int epoch = 0; epoch < 4; epoch++)
        {
            int[] order = [.. Enumerable.Range(0, 64).OrderBy(_ => random.Next())];
            losses.AddRange(TrainEpoch(model, optimizer, loss, inputs, labels, order, batchSize: 8));
        }
        return Fingerprint(model, optimizer, losses);
    }

    private static List<double> TrainEpoch(Sequential model, SgdMomentum optimizer, SoftmaxCrossEntropy loss,
        Tensor inputs, int[] labels, int[] order, int batchSize)
    {
        var losses = new List<double>();
        for (int start = 0; start < order.Length; start += batchSize)
        {
            int[] rows = order[start..Math.Min(start + batchSize, order.Length)];
            var batch = Tensor.FromRows([.. rows.Select(row => inputs.Row(row).ToArray())]);
            optimizer.ZeroGrad();
            var logits = model.Forward(batch, ForwardMode.Training);
            losses.Add(loss.Forward(logits, [.. rows.Select(row => labels[row])]));
            model.Backward(loss.Backward());
            optimizer.Step();
        }
        return losses;
    }

    /// <summary>The bits of every parameter, buffer and momentum buffer, then of <paramref name="losses"/>.</summary>
    private static long[] Fingerprint(Layer model, SgdMomentum optimizer, IEnumerable<double> losses) =>
        [.. TrainingData.AllValues(model)
            .Concat(optimizer.Velocities.SelectMany(velocity => velocity.ToArray()))
            .Concat(losses)
            .Select(BitConverter.DoubleToInt64Bits)];
}
