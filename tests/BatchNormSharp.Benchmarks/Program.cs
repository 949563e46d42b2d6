using BatchNormSharp.Benchmarks.Comparison;
using BenchmarkDotNet.Running;

// `--compare [workload ...]` prints the library's figures for tools/bench/compare-with-pytorch.sh (a quick
// median-of-samples run, one and two threads, and the FMA peak); `--threshold` measures the worker pool's split
// threshold (Comparison/ThresholdProbe.cs); `--bn-passes` times each pass of BatchNorm on one thread
// (Comparison/BatchNormPassProbe.cs); anything else goes to BenchmarkDotNet, e.g.
// `dotnet run -c Release -- --filter '*BatchNorm*'`.
if (args is ["--compare", .. var only])
{
    ComparisonRunner.Run(Console.Out, only);
}
else if (args is ["--bn-passes"])
{
    BatchNormPassProbe.Run(Console.Out);
}
else if (args is ["--threshold"])
{
    ThresholdProbe.Run(Console.Out);
}
else
{
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}

/// <summary>Entry point of the benchmark suite.</summary>
public partial class Program;
