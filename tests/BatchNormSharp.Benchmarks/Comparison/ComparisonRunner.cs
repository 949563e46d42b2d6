using System.Text.Json;
using BatchNormSharp.Benchmarks.Workloads;
using BatchNormSharp.Kernels;

namespace BatchNormSharp.Benchmarks.Comparison;

/// <summary>
/// Times the library's side of <c>tools/bench/compare-with-pytorch.sh</c> and prints one JSON object of named
/// figures, which <c>tools/bench/make_table.py</c> sets against PyTorch's. Run with <c>--compare</c>.
/// </summary>
/// <remarks>
/// Every workload is timed twice: with the kernels held to the calling thread
/// (<see cref="KernelThreading.SingleThread"/>, figures named <c>_1t</c>) and with the library's default
/// (<see cref="KernelThreading.Automatic"/>, <c>_2t</c>: the script runs this process with
/// <c>DOTNET_PROCESSOR_COUNT=2</c>, so that the split uses two cores on any machine). The machine's float64 FMA peak
/// is measured in the same process. Adding a workload is one line in <see cref="Workloads"/>, under the name
/// <c>tools/bench/torch_workloads.py</c> gives it.
/// </remarks>
internal static class ComparisonRunner
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The thread modes timed, with the suffix of their figures.</summary>
    private static readonly (KernelThreading Mode, string Suffix)[] ThreadModes =
    [
        (KernelThreading.SingleThread, "1t"),
        (KernelThreading.Automatic, "2t"),
    ];

    /// <summary>Name (as in torch_workloads.py) and the call to time; inputs are built once, before any timing.</summary>
    private static IEnumerable<(string Name, Action Run)> Workloads()
    {
        var iris = TrainingStep.Iris();
        var mlp = TrainingStep.Mlp();
        yield return ("iris_step", Discard(iris.Run));
        yield return ("mlp_step", Discard(mlp.Run));
        foreach (var (rows, features) in new[] { (1024, 1024), (8192, 1024) })
        {
            var batchNorm = new BatchNormWorkload(rows, features);
            yield return ($"bn_fwd_{rows}x{features}", Discard(batchNorm.Forward));
            yield return ($"bn_fwdbwd_{rows}x{features}", Discard(batchNorm.ForwardBackward));
            // The library's side only: the same memory traffic with adds only, what the machine takes to move it.
            yield return ($"bn_floor_{rows}x{features}", new BatchNormMemoryFloor(rows, features).Run);
        }
        foreach (int n in new[] { 256, 512, 1024 })
        {
            yield return ($"mm_{n}", MatrixProductShape.Square(n).Multiply);
        }
        var lstm = SequenceStep.Lstm();
        var bnLstm = SequenceStep.BatchNormLstm();
        yield return ("lstm_step", Discard(lstm.Run));     // batch 32, 30 steps, 1 input, hidden 64
        yield return ("bnlstm_step", Discard(bnLstm.Run)); // the same with batch-normalised gates (the seed's cell)
    }

    public static void Run(TextWriter output, IReadOnlyCollection<string> only)
    {
        var results = new Dictionary<string, double>();

        foreach (var (name, run) in Workloads())
        {
            if (only.Count > 0 && !only.Contains(name))
            {
                continue;
            }
            // Both thread modes back to back, so that a burst of other work on the machine lands on both or neither.
            foreach (var (mode, suffix) in ThreadModes)
            {
                results[$"{name}_ms_{suffix}"] = KernelThreads.Run(mode, () => MedianTimer.MedianMilliseconds(run));
            }
        }

        if (only.Count == 0)
        {
            results["iris_step_alloc_bytes"] = AllocatedBytesPerStep(TrainingStep.Iris(), allThreads: true);
            results["mlp_step_alloc_bytes"] = AllocatedBytesPerStep(TrainingStep.Mlp(), allThreads: true);
            results["bn_fwdbwd_bytes_8192x1024"] = new BatchNormWorkload(8192, 1024).ForwardBackwardBytes;
        }

        var peak = FmaPeak.Measure();
        results["fma_peak_gflops_1t"] = peak.OneThread;
        results["fma_peak_gflops_2t"] = peak.TwoThreads;

        var report = new Dictionary<string, object>
        {
            ["side"] = "library",
            ["runtime"] = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
            ["processor_count"] = Environment.ProcessorCount,
            ["fma_vector_bits"] = peak.VectorBits,
            ["gemm_vector_bits"] = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? 512 : 256,
            ["results"] = results,
        };
        output.WriteLine(JsonSerializer.Serialize(report, Indented));
    }

    private static Action Discard<T>(Func<T> operation) => () => operation();

    /// <summary>
    /// Bytes allocated per steady-state step in the whole process (helper threads included), with the default
    /// thread mode.
    /// </summary>
    private static double AllocatedBytesPerStep(TrainingStep step, bool allThreads)
    {
        for (int i = 0; i < 20; i++)
        {
            step.Run();
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long before = allThreads ? GC.GetTotalAllocatedBytes(precise: true) : GC.GetAllocatedBytesForCurrentThread();
        int steps = 0;
        while (steps < 20 || (clock.Elapsed.TotalSeconds < 0.5 && steps < 100_000))
        {
            step.Run();
            steps++;
        }
        long after = allThreads ? GC.GetTotalAllocatedBytes(precise: true) : GC.GetAllocatedBytesForCurrentThread();
        return (after - before) / (double)steps;
    }
}
