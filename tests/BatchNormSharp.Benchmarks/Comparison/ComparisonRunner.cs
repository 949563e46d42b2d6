using System.Text.Json;
using BatchNormSharp.Benchmarks.Workloads;
using BatchNormSharp.Kernels;

namespace BatchNormSharp.Benchmarks.Comparison;

/// <summary>
/// Times the library's side of <c>tools/bench/compare-with-pytorch.sh</c> and prints one JSON object of named
/// figures, which <c>tools/bench/make_table.py</c> sets against PyTorch's. Run with <c>--compare</c>.
/// </summary>
internal static class ComparisonRunner
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void Run(TextWriter output)
    {
        var results = new Dictionary<string, double>();

        results["iris_step_ms"] = MedianTimer.MedianMilliseconds(Discard(TrainingStep.Iris().Run));
        results["mlp_step_ms"] = MedianTimer.MedianMilliseconds(Discard(TrainingStep.Mlp().Run));
        results["iris_step_alloc_bytes"] = AllocatedBytesPerStep(TrainingStep.Iris(), allThreads: false);
        results["mlp_step_alloc_bytes"] = AllocatedBytesPerStep(TrainingStep.Mlp(), allThreads: false);
        results["iris_step_alloc_bytes_all_threads"] = AllocatedBytesPerStep(TrainingStep.Iris(), allThreads: true);
        results["mlp_step_alloc_bytes_all_threads"] = AllocatedBytesPerStep(TrainingStep.Mlp(), allThreads: true);

        foreach (var (rows, features) in new[] { (1024, 1024), (8192, 1024) })
        {
            var workload = new BatchNormWorkload(rows, features);
            string shape = $"{rows}x{features}";
            results[$"bn_fwd_ms_{shape}"] = MedianTimer.MedianMilliseconds(Discard(workload.Forward));
            results[$"bn_fwdbwd_ms_{shape}"] = MedianTimer.MedianMilliseconds(Discard(workload.ForwardBackward));
        }
        var large = new BatchNormWorkload(8192, 1024);
        results["bn_fwd_ms_8192x1024_1t"] = SingleThreaded(() => MedianTimer.MedianMilliseconds(Discard(large.Forward)));
        results["bn_fwdbwd_ms_8192x1024_1t"] =
            SingleThreaded(() => MedianTimer.MedianMilliseconds(Discard(large.ForwardBackward)));
        results["bn_fwdbwd_bytes_8192x1024"] = large.ForwardBackwardBytes;

        foreach (int n in new[] { 256, 512, 1024 })
        {
            var product = MatrixProductShape.Square(n);
            results[$"mm_ms_{n}"] = MedianTimer.MedianMilliseconds(product.Multiply);
            results[$"mm_ms_{n}_1t"] = SingleThreaded(() => MedianTimer.MedianMilliseconds(product.Multiply));
        }

        var report = new Dictionary<string, object>
        {
            ["runtime"] = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
            ["processor_count"] = Environment.ProcessorCount,
            ["results"] = results,
        };
        output.WriteLine(JsonSerializer.Serialize(report, Indented));
    }

    private static Action Discard<T>(Func<T> operation) => () => operation();

    /// <summary>
    /// Runs <paramref name="measure"/> with the kernels of this thread held to one thread: the one place to change if
    /// a kernel gains its own threading switch.
    /// </summary>
    private static double SingleThreaded(Func<double> measure)
    {
        return KernelThreads.Run(KernelThreading.SingleThread, measure);
    }

    /// <summary>
    /// Bytes allocated per steady-state step: on this thread (what a single-threaded step allocates), or in the whole
    /// process (helper threads included).
    /// </summary>
    private static double AllocatedBytesPerStep(TrainingStep step, bool allThreads)
    {
        // Warm up, then count over a second or at least 20 steps (the naive GEMM makes an MLP step slow).
        for (int i = 0; i < 20; i++)
        {
            step.Run();
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long before = allThreads ? GC.GetTotalAllocatedBytes(precise: true) : GC.GetAllocatedBytesForCurrentThread();
        int steps = 0;
        while (steps < 20 || (clock.Elapsed.TotalSeconds < 1.0 && steps < 100_000))
        {
            step.Run();
            steps++;
        }
        long after = allThreads ? GC.GetTotalAllocatedBytes(precise: true) : GC.GetAllocatedBytesForCurrentThread();
        return (after - before) / (double)steps;
    }
}
