using BenchmarkDotNet.Running;

// Runs the benchmarks named on the command line, e.g. `dotnet run -c Release -- --filter '*Gemm*'`.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

/// <summary>Entry point of the benchmark suite.</summary>
public partial class Program;
