using BatchNormSharp.Benchmarks.Workloads;
using BenchmarkDotNet.Attributes;

namespace BatchNormSharp.Benchmarks;

/// <summary>
/// BatchNorm at 8192 × 1024 on one thread, for the memory-bandwidth figure: forward + backward must move
/// 5 · 8192 · 1024 · 8 B = 320 MiB (x and y forward; x, dy and dx backward), so 12 GB/s means at most 28 ms.
/// </summary>
[MemoryDiagnoser]
public class BatchNormSingleThreadBenchmarks
{
    private readonly BatchNormWorkload _workload = new(8192, 1024);

    [Benchmark]
    public Tensor Forward() => BatchNormWorkload.SingleThreaded(_workload.Forward);

    [Benchmark]
    public Tensor ForwardBackward() => BatchNormWorkload.SingleThreaded(_workload.ForwardBackward);
}
