using System.Globalization;
using BatchNormSharp.Kernels;
using BenchmarkDotNet.Attributes;

namespace BatchNormSharp.Benchmarks;

/// <summary>
/// The products of one training step of the Iris network (batch 32) and of the MLP 784-256-128-10 (batch 128):
/// Dense forward <c>y = x · W</c> (NN), backward <c>dW += xᵀ · dy</c> (TN) and <c>dx = dy · Wᵀ</c> (NT).
/// </summary>
[MemoryDiagnoser]
public class GemmTrainingShapeBenchmarks
{
    private int _m;
    private int _n;
    private int _k;
    private bool _transposeA;
    private bool _transposeB;
    private double[] _a = [];
    private double[] _b = [];
    private double[] _c = [];

    /// <summary>The product, <c>m×n×k op</c>: C is m × n, k the inner dimension, op the transposes of A and B.</summary>
    [Params(
        "32x10x4 NN", "32x3x10 NN", "4x10x32 TN", "10x3x32 TN", "32x4x10 NT", "32x10x3 NT",
        "128x256x784 NN", "128x128x256 NN", "128x10x128 NN",
        "784x256x128 TN", "256x128x128 TN", "128x10x128 TN",
        "128x784x256 NT", "128x256x128 NT", "128x128x10 NT")]
    public string Shape { get; set; } = "";

    /// <summary>Parses the shape and fills the operands with seeded random values.</summary>
    [GlobalSetup]
    public void Setup()
    {
        string[] parts = Shape.Split(' ');
        int[] dimensions = parts[0].Split('x').Select(d => int.Parse(d, CultureInfo.InvariantCulture)).ToArray();
        (_m, _n, _k) = (dimensions[0], dimensions[1], dimensions[2]);
        _transposeA = parts[1][0] == 'T';
        _transposeB = parts[1][1] == 'T';
        var random = new Random(42);
        _a = Enumerable.Range(0, _m * _k).Select(_ => random.NextDouble()).ToArray();
        _b = Enumerable.Range(0, _k * _n).Select(_ => random.NextDouble()).ToArray();
        _c = new double[_m * _n];
    }

    /// <summary>Our kernel as the layers call it (accumulating, like the weight gradient).</summary>
    [Benchmark(Baseline = true)]
    public void Ours() => Gemm.Multiply(_m, _n, _k, _a, _transposeA, _b, _transposeB, accumulate: true, _c);

    /// <summary>Our kernel on the calling thread only.</summary>
    [Benchmark]
    public void OursOneThread() => Gemm.Multiply(_m, _n, _k, _a, _transposeA, _b, _transposeB, accumulate: true, _c,
        maxDegreeOfParallelism: 1, GemmMicroKernel.Preferred);
}
