using BatchNormSharp.Benchmarks.Workloads;
using BenchmarkDotNet.Attributes;

namespace BatchNormSharp.Benchmarks;

/// <summary>
/// BatchNorm in training mode, forward and forward + backward, at the sizes of issue 4. Large batches use both cores
/// (the kernels split above about 1 MB); <see cref="BatchNormSingleThreadBenchmarks"/> holds them to one.
/// </summary>
[MemoryDiagnoser]
public class BatchNormBenchmarks
{
    private BatchNormWorkload _workload = null!;

    /// <summary>(N, D): batch rows × features.</summary>
    [ParamsSource(nameof(Shapes))]
    public string Shape { get; set; } = "";

    public static IEnumerable<string> Shapes => ["32x4", "128x256", "1024x1024", "8192x1024"];

    [GlobalSetup]
    public void Setup()
    {
        var parts = Shape.Split('x');
        _workload = new BatchNormWorkload(int.Parse(parts[0], CultureInfo.InvariantCulture),
            int.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    [Benchmark]
    public Tensor Forward() => _workload.Forward();

    [Benchmark]
    public Tensor ForwardBackward() => _workload.ForwardBackward();
}
