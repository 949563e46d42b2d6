using System.Globalization;
using BatchNormSharp.Kernels;

namespace BatchNormSharp.Tests.Kernels;

/// <summary>
/// The race of issue 13, item 2, as a test: several threads at once, each alternating BatchNorm passes of mixed widths
/// and lengths and matrix products of mixed sizes, with every call split across the helper threads
/// (<see cref="KernelThreading.AlwaysSplit"/>); every output is compared bit for bit with the one-thread result. The
/// old BatchNorm pool gave 9–67 wrong outputs and stray exceptions per few seconds of this.
/// </summary>
[Collection(AloneInProcess.Name)]
public class WorkerPoolStressTests(ITestOutputHelper output)
{
    private const int Threads = 4;

    // A fixed count, not a time budget, so that every run does the same work: 40,000 calls, about a second here.
    private const int CallsPerThread = 10_000;

    [Fact]
    public void MixedKernels_FourThreadsSplitting_EveryOutputBitIdenticalToOneThread()
    {
        Workload[] workloads =
        [
            new BatchNormWorkload(new BatchNormShape(33, 250), seed: 1),
            new BatchNormWorkload(new BatchNormShape(9, 37), seed: 2),
            new BatchNormWorkload(new BatchNormShape(6, 20, 13), seed: 3),
            new BatchNormWorkload(new BatchNormShape(1, 7, 40), seed: 4),
            new GemmWorkload(64, 96, 80, transposeA: false, transposeB: true, seed: 5),
            new GemmWorkload(17, 130, 33, transposeA: true, transposeB: false, seed: 6),
            new GemmWorkload(150, 40, 60, transposeA: false, transposeB: false, seed: 7),
        ];
        var expected = workloads.Select(w => KernelThreads.Run(KernelThreading.SingleThread, w.Compute)).ToArray();

        long calls = 0, wrong = 0;
        var failures = new List<Exception>();
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            KernelThreads.Mode = KernelThreading.AlwaysSplit;
            for (int call = t; call < t + CallsPerThread; call++)
            {
                int which = call % workloads.Length;
                try
                {
                    double[] result = workloads[which].Compute();
                    if (!result.AsSpan().SequenceEqual(expected[which]))
                    {
                        Interlocked.Increment(ref wrong);
                    }
                }
#pragma warning disable CA1031 // Every failure is collected and reported by the test.
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    lock (failures)
                    {
                        failures.Add(exception);
                    }
                }
                Interlocked.Increment(ref calls);
            }
        })).ToList();

        threads.ForEach(thread => thread.Start());
        threads.ForEach(thread => thread.Join());

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{calls} calls on {Threads} threads ({WorkerPool.ThreadCount - 1} helper threads), {wrong} wrong outputs, " +
            $"{failures.Count} exceptions"));
        failures.Should().BeEmpty();
        wrong.Should().Be(0);
        calls.Should().Be(Threads * CallsPerThread);
    }

    /// <summary>A computation with fixed inputs; each thread computes into its own buffers.</summary>
    private abstract class Workload
    {
        public abstract double[] Compute();

        protected static double[] Random(Random random, int count, double scale, double offset) =>
            [.. Enumerable.Range(0, count).Select(_ => offset + (scale * ((2 * random.NextDouble()) - 1)))];
    }

    /// <summary>Training forward, backward with dγ and dβ, and inference forward; the outputs concatenated.</summary>
    private sealed class BatchNormWorkload : Workload
    {
        private readonly BatchNormShape _shape;
        private readonly double[] _x, _dy, _gamma, _beta, _runningMean, _runningVar;

        public BatchNormWorkload(BatchNormShape shape, int seed)
        {
            var random = new Random(seed);
            _shape = shape;
            _x = Random(random, shape.Elements, 5, 12);
            _dy = Random(random, shape.Elements, 1, 0);
            _gamma = Random(random, shape.Features, 1, 1);
            _beta = Random(random, shape.Features, 1, 0);
            _runningMean = Random(random, shape.Features, 1, 12);
            _runningVar = Random(random, shape.Features, 1, 9);
        }

        public override double[] Compute()
        {
            int e = _shape.Elements, c = _shape.Features;
            var result = new double[(3 * e) + (2 * c)];
            var cache = new BatchNormCache(c);
            BatchNormFunctions.TrainingForward(_x, _shape, _gamma, _beta, 1e-5, cache, result.AsSpan(0, e))
                .Should().Be(-1);
            BatchNormFunctions.Backward(_dy, _x, _shape, _gamma, cache, result.AsSpan(e, e),
                result.AsSpan(2 * e, c), result.AsSpan((2 * e) + c, c));
            BatchNormFunctions.InferenceForward(_x, _shape, _runningMean, _runningVar, _gamma, _beta, 1e-5,
                result.AsSpan((2 * e) + (2 * c), e));
            return result;
        }
    }

    /// <summary>A product <c>C = op(A) · op(B)</c>.</summary>
    private sealed class GemmWorkload : Workload
    {
        private readonly int _m, _n, _k;
        private readonly bool _transposeA, _transposeB;
        private readonly double[] _a, _b;

        public GemmWorkload(int m, int n, int k, bool transposeA, bool transposeB, int seed)
        {
            var random = new Random(seed);
            (_m, _n, _k, _transposeA, _transposeB) = (m, n, k, transposeA, transposeB);
            _a = Random(random, m * k, 1, 0);
            _b = Random(random, k * n, 1, 0);
        }

        public override double[] Compute()
        {
            var c = new double[_m * _n];
            Gemm.Multiply(_m, _n, _k, _a, _transposeA, _b, _transposeB, accumulate: false, c);
            return c;
        }
    }
}
