using BatchNormSharp.Benchmarks.Workloads;
using BenchmarkDotNet.Attributes;

namespace BatchNormSharp.Benchmarks;

/// <summary>
/// Full training steps (forward, loss, backward, SGD-momentum step, zeroed gradients) of the Iris network at batch 32
/// and the MLP at batch 128. The memory diagnoser must show 0 B allocated per operation.
/// </summary>
[MemoryDiagnoser]
public class TrainingStepBenchmarks
{
    private readonly TrainingStep _iris = TrainingStep.Iris();
    private readonly TrainingStep _mlp = TrainingStep.Mlp();

    [Benchmark]
    public double IrisStep() => _iris.Run();

    [Benchmark]
    public double MlpStep() => _mlp.Run();
}
