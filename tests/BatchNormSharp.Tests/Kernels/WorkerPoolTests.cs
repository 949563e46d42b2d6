using BatchNormSharp.Kernels;

namespace BatchNormSharp.Tests.Kernels;

/// <summary>
/// The helper-thread pool on its own: every part runs exactly once, a part's exception reaches the caller and leaves
/// the pool usable, a caller that finds the pool owned runs alone, and the split follows the threading policy.
/// </summary>
[Collection(AloneInProcess.Name)]
public class WorkerPoolTests
{
    [Fact]
    public void Run_ManyCalls_RunEveryPartExactlyOnce()
    {
        var counts = CountingWork.Counts = new int[13];
        var work = default(CountingWork);
        for (int call = 0; call < 500; call++)
        {
            WorkerPool.Run(ref work, counts.Length);
        }

        counts.Should().AllSatisfy(count => count.Should().Be(500));
    }

    [Fact]
    public void Run_PartThrows_RethrowsOnTheCallerAndStaysUsable()
    {
        var work = new ThrowingWork { FailingPart = 3 };

        var act = () => WorkerPool.Run(ref work, 8);

        act.Should().Throw<InvalidOperationException>().WithMessage("part 3 of 8 failed");
        var counts = CountingWork.Counts = new int[8];
        var counting = default(CountingWork);
        WorkerPool.Run(ref counting, counts.Length);
        counts.Should().AllSatisfy(count => count.Should().Be(1));
    }

    [Fact]
    public void Run_PoolOwnedByAnotherCall_RunsAllPartsOnTheCallingThread()
    {
        BlockingWork.Reset();
        var owner = new Thread(() =>
        {
            var blocking = default(BlockingWork);
            WorkerPool.Run(ref blocking, 2);
        });
        owner.Start();
        SpinWait.SpinUntil(() => Volatile.Read(ref BlockingWork.Started) > 0, TimeSpan.FromSeconds(10))
            .Should().BeTrue("the blocking call must have started");

        var threads = ThreadRecordingWork.ThreadIds = new int[6];
        var work = default(ThreadRecordingWork);
        WorkerPool.Run(ref work, threads.Length);
        Volatile.Write(ref BlockingWork.Released, 1);
        owner.Join(TimeSpan.FromSeconds(10)).Should().BeTrue();

        if (WorkerPool.ThreadCount > 1)
        {
            threads.Should().AllSatisfy(id => id.Should().Be(Environment.CurrentManagedThreadId),
                "the pool was owned, so the second call ran alone");
        }
    }

    [Theory]
    [InlineData((int)KernelThreading.SingleThread, 1L << 30, 1)]
    [InlineData((int)KernelThreading.AlwaysSplit, 8, 40)]
    [InlineData((int)KernelThreading.Automatic, WorkerPool.SplitThresholdBytes - 1, 1)]
    public void PartsFor_Policy_DecidesTheSplit(int mode, long bytes, int expected)
    {
        KernelThreads.Run((KernelThreading)mode, () => WorkerPool.PartsFor(bytes, finestParts: 40)).Should().Be(expected);
    }

    [Fact]
    public void PartsFor_AutomaticAboveThreshold_OnePartPerThread()
    {
        KernelThreads.Run(KernelThreading.Automatic, () => WorkerPool.PartsFor(WorkerPool.SplitThresholdBytes, 40))
            .Should().Be(Math.Min(40, WorkerPool.ThreadCount));
    }

    // The tests of one class run one after another, so static fields can carry what a part writes.
    private struct CountingWork : IPartedWork
    {
        public static int[] Counts = [];

        public readonly void Run(int part, int parts) => Interlocked.Increment(ref Counts[part]);
    }

    private struct ThrowingWork : IPartedWork
    {
        public int FailingPart;

        public readonly void Run(int part, int parts)
        {
            if (part == FailingPart)
            {
                throw new InvalidOperationException($"part {part} of {parts} failed");
            }
        }
    }

    private struct ThreadRecordingWork : IPartedWork
    {
        public static int[] ThreadIds = [];

        public readonly void Run(int part, int parts) => ThreadIds[part] = Environment.CurrentManagedThreadId;
    }

    /// <summary>Every part waits until the test releases it, so the pool stays owned.</summary>
    private struct BlockingWork : IPartedWork
    {
        public static int Started;
        public static int Released;

        public static void Reset()
        {
            Started = 0;
            Released = 0;
        }

        public readonly void Run(int part, int parts)
        {
            Interlocked.Increment(ref Started);
            SpinWait.SpinUntil(() => Volatile.Read(ref Released) != 0, TimeSpan.FromSeconds(10));
        }
    }
}
