using BatchNormSharp.Benchmarks.Workloads;
using BenchmarkDotNet.Attributes;

namespace BatchNormSharp.Benchmarks;

/// <summary>
/// The matrix product (<c>Gemm.Multiply</c>), square at n = 128 … 1024 and at the shapes the MLP's Dense layers
/// use at batch 128: forward (NN), weight gradient (TN) and input gradient (NT).
/// </summary>
[MemoryDiagnoser]
public class MatrixProductBenchmarks
{
    [ParamsSource(nameof(Shapes))]
    public MatrixProductShape Shape { get; set; } = null!;

    public static IEnumerable<MatrixProductShape> Shapes =>
    [
        MatrixProductShape.Square(128), MatrixProductShape.Square(256), MatrixProductShape.Square(512),
        MatrixProductShape.Square(1024),
        .. MatrixProductShape.DenseLayer(784, 256, 128),
        .. MatrixProductShape.DenseLayer(256, 128, 128),
        .. MatrixProductShape.DenseLayer(128, 10, 128),
    ];

    [Benchmark]
    public void Multiply() => Shape.Multiply();
}
