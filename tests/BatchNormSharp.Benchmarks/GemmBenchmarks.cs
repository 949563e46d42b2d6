using BatchNormSharp.Kernels;
using BenchmarkDotNet.Attributes;
using MathNet.Numerics.LinearAlgebra;

namespace BatchNormSharp.Benchmarks;

/// <summary>
/// The square double-precision product C = A · B at n = 128 … 1024: our kernel (all cores, and one thread) against
/// MathNet's managed product into a preallocated result. GFLOP/s = 2·n³ / time.
/// </summary>
[MemoryDiagnoser]
public class GemmBenchmarks
{
    private double[] _a = [];
    private double[] _b = [];
    private double[] _c = [];
    private Matrix<double> _matrixA = null!;
    private Matrix<double> _matrixB = null!;
    private Matrix<double> _matrixC = null!;

    /// <summary>The size of the square matrices.</summary>
    [Params(128, 256, 512, 1024)]
    public int N { get; set; }

    /// <summary>Fills A and B with seeded random values, once per size.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _matrixA = Matrix<double>.Build.Random(N, N, new MathNet.Numerics.Distributions.Normal(0, 1, random));
        _matrixB = Matrix<double>.Build.Random(N, N, new MathNet.Numerics.Distributions.Normal(0, 1, random));
        _matrixC = Matrix<double>.Build.Dense(N, N);
        _a = _matrixA.ToRowMajorArray();
        _b = _matrixB.ToRowMajorArray();
        _c = new double[N * N];
    }

    /// <summary>Our kernel, shared between the cores when the product is large enough.</summary>
    [Benchmark(Baseline = true)]
    public void Ours() => Gemm.Multiply(N, N, N, _a, false, _b, false, accumulate: false, _c);

    /// <summary>Our kernel on the calling thread only.</summary>
    [Benchmark]
    public void OursOneThread() => Gemm.Multiply(N, N, N, _a, false, _b, false, accumulate: false, _c,
        maxDegreeOfParallelism: 1, GemmMicroKernel.Preferred);

    /// <summary>MathNet.Numerics 5.0.0's product (its managed provider) into a preallocated result.</summary>
    [Benchmark]
    public void MathNet() => _matrixA.Multiply(_matrixB, _matrixC);
}
