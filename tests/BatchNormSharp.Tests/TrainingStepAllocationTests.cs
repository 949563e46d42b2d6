using BatchNormSharp.Kernels;

namespace BatchNormSharp.Tests;

/// <summary>
/// A training step in steady state (forward, loss, backward, SGD-momentum step, zeroed gradients) allocates nothing:
/// every layer reuses its output and gradient tensors, and the kernels their scratch. Counted on the calling thread,
/// so the kernels are held to that thread (helper threads would count on their own).
/// </summary>
public class TrainingStepAllocationTests
{
    [Fact]
    public void Step_IrisNetworkWarmedUp_AllocatesNothing()
    {
        var random = new Random(3);
        Layer[] layers =
        [
            new Dense(4, 10, random), new BatchNorm(10), new ReLU(), new Dense(10, 3, random), new BatchNorm(3),
        ];

        long allocated = AllocatedBytesOverSteps(layers, Batch(32, 4, random), Labels(32, 3, random));

        allocated.Should().Be(0);
    }

    [Fact]
    public void Step_MlpWarmedUp_AllocatesNothing()
    {
        var random = new Random(4);
        Layer[] layers =
        [
            new Dense(784, 256, random), new BatchNorm(256), new ReLU(),
            new Dense(256, 128, random), new BatchNorm(128), new ReLU(),
            new Dense(128, 10, random),
        ];

        long allocated = AllocatedBytesOverSteps(layers, Batch(128, 784, random), Labels(128, 10, random));

        allocated.Should().Be(0);
    }

    [Fact]
    public void Step_NestedSequentialWarmedUp_AllocatesNothing()
    {
        // Containers check their children before every backward pass and keep a rollback copy for every forward pass:
        // neither may allocate.
        var random = new Random(6);
        var model = new Sequential(
            new Dense(4, 10, random), new BatchNorm(10),
            new Sequential(new ReLU(), new Dense(10, 3, random)), new BatchNorm(3));

        long allocated = AllocatedBytesOverSteps([model], Batch(32, 4, random), Labels(32, 3, random));

        allocated.Should().Be(0);
    }

    [Fact]
    public void Fit_TwoMoreEpochsOfTwentyBatches_AllocateOnlyPerEpochBookkeeping()
    {
        var random = new Random(7);
        var inputs = Batch(320, 4, random);
        var labels = Labels(320, 3, random);

        long oneEpoch = KernelThreads.Run(KernelThreading.SingleThread, () => FitAllocation(inputs, labels, epochs: 1));
        long threeEpochs = KernelThreads.Run(KernelThreading.SingleThread, () => FitAllocation(inputs, labels, epochs: 3));

        // 40 more batches; a single allocation per batch of even 24 B would add 960 B on top of the epoch records.
        (threeEpochs - oneEpoch).Should().BeLessThan(2 * 512,
            "an epoch adds its metrics record and history entry, but a batch adds nothing");
    }

    private static long FitAllocation(Tensor inputs, int[] labels, int epochs)
    {
        var model = new Sequential(new Dense(4, 10, seed: 8), new BatchNorm(10), new ReLU(), new Dense(10, 3, seed: 9),
            new BatchNorm(3));
        var trainer = new Trainer(model, new SgdMomentum(model.Parameters, 0.01, 0.9));
        var options = new FitOptions { Epochs = epochs, BatchSize = 16, Seed = 10 };
        trainer.Fit(inputs, labels, options); // warm-up: first-use buffers and JIT
        return AllocationMeter.BytesAllocatedBy(() => trainer.Fit(inputs, labels, options));
    }

    [Fact]
    public void Step_NewBatchSize_AllocatesOnceForTheNewShape()
    {
        // The counter can see allocations: a batch of a new size needs new output tensors.
        var random = new Random(5);
        Layer[] layers = [new Dense(4, 10, random), new BatchNorm(10)];
        var step = new HandTrainingStep(layers);
        step.Run(Batch(32, 4, random), Labels(32, 10, random));
        var otherBatch = Batch(16, 4, random);
        var otherLabels = Labels(16, 10, random);

        // One call, measured directly: the new tensors are allocated once, which the meter's least-of-three would hide.
        long before = GC.GetAllocatedBytesForCurrentThread();
        step.Run(otherBatch, otherLabels);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        allocated.Should().BePositive();
    }

    private static long AllocatedBytesOverSteps(Layer[] layers, Tensor input, int[] labels) =>
        KernelThreads.Run(KernelThreading.SingleThread, () =>
        {
            var step = new HandTrainingStep(layers);
            for (int i = 0; i < 3; i++)
            {
                step.Run(input, labels);
            }
            return AllocationMeter.BytesAllocatedBy(() =>
            {
                for (int i = 0; i < 5; i++)
                {
                    step.Run(input, labels);
                }
            });
        });

    private static Tensor Batch(int rows, int columns, Random random)
    {
        var tensor = Tensor.Zeros(rows, columns);
        Span<double> values = tensor.AsSpan();
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (4 * random.NextDouble()) - 1;
        }
        return tensor;
    }

    private static int[] Labels(int rows, int classes, Random random)
    {
        var labels = new int[rows];
        for (int i = 0; i < rows; i++)
        {
            labels[i] = random.Next(classes);
        }
        return labels;
    }
}
