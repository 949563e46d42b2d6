using BatchNormSharp.Kernels;

namespace BatchNormSharp.Tests.Kernels;

/// <summary>
/// Zero allocation with the kernels split across the helper threads, counted on every thread of the process
/// (issue 13, item 9: the single-thread allocation tests cannot see a per-call allocation on a helper thread).
/// </summary>
[Collection(AloneInProcess.Name)]
public class WorkerPoolAllocationTests
{
    [Theory]
    [InlineData((int)KernelThreading.AlwaysSplit)]
    [InlineData((int)KernelThreading.Automatic)]
    public void MlpTrainingStep_KernelsSplit_AllocatesNothingOnAnyThread(int mode)
    {
        var random = new Random(4);
        Layer[] layers =
        [
            new Dense(784, 256, random), new BatchNorm(256), new ReLU(),
            new Dense(256, 128, random), new BatchNorm(128), new ReLU(),
            new Dense(128, 10, random),
        ];
        var step = new HandTrainingStep(layers);
        var input = Tensor.Zeros(128, 784);
        input.AsSpan().Fill(0.25);
        for (int i = 0; i < input.Length; i += 7)
        {
            input.AsSpan()[i] = (i % 13) - 5;
        }
        int[] labels = [.. Enumerable.Range(0, 128).Select(i => i % 10)];

        long allocated = KernelThreads.Run((KernelThreading)mode, () =>
        {
            for (int i = 0; i < 3; i++)
            {
                step.Run(input, labels);
            }
            return AllocationMeter.BytesAllocatedOnAllThreadsBy(() => step.Run(input, labels));
        });

        allocated.Should().Be(0);
    }

    [Theory]
    [InlineData(64, 300, 1)]
    [InlineData(16, 300, 9)]
    public void BatchNormFunctions_Split_AllocateNothingOnAnyThread(int n, int c, int l)
    {
        var shape = new BatchNormShape(n, c, l);
        double[] x = [.. Enumerable.Range(0, shape.Elements).Select(i => 12 + ((i * 7919) % 101 / 10.0))];
        double[] dy = [.. Enumerable.Range(0, shape.Elements).Select(i => ((i * 104729) % 17) - 8.0)];
        double[] gamma = [.. Enumerable.Repeat(1.5, c)], beta = new double[c], running = [.. Enumerable.Repeat(2.0, c)];
        double[] y = new double[shape.Elements], dx = new double[shape.Elements];
        double[] dgamma = new double[c], dbeta = new double[c];
        var cache = new BatchNormCache(c);
        void Passes()
        {
            BatchNormFunctions.TrainingForward(x, shape, gamma, beta, 1e-5, cache, y);
            BatchNormFunctions.Backward(dy, x, shape, gamma, cache, dx, dgamma, dbeta);
            BatchNormFunctions.InferenceForward(x, shape, running, running, gamma, beta, 1e-5, y);
            BatchNormFunctions.BatchStatisticsInference(x, shape, gamma, beta, 1e-5, y);
        }

        long allocated = KernelThreads.Run(KernelThreading.AlwaysSplit, () =>
        {
            Passes();
            return AllocationMeter.BytesAllocatedOnAllThreadsBy(Passes);
        });

        allocated.Should().Be(0);
    }

    [Fact]
    public void BytesAllocatedOnAllThreadsBy_AllocationOnAnotherThread_IsCounted()
    {
        object? kept = null;

        long allocated = AllocationMeter.BytesAllocatedOnAllThreadsBy(() =>
        {
            var thread = new Thread(() => kept = new byte[4000]);
            thread.Start();
            thread.Join();
        });

        allocated.Should().BeGreaterThanOrEqualTo(4000);
        kept.Should().NotBeNull();
    }
}
