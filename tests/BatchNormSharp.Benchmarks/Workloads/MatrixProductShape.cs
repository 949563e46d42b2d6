using BatchNormSharp.Kernels;

namespace BatchNormSharp.Benchmarks.Workloads;

/// <summary>
/// One matrix product <c>C[m×n] = op(A)[m×k] · op(B)[k×n]</c> with its operands, as a training step runs it.
/// </summary>
public sealed class MatrixProductShape
{
    private readonly double[] _a;
    private readonly double[] _b;
    private readonly double[] _c;

    public MatrixProductShape(string name, int m, int n, int k, bool transposeA, bool transposeB)
    {
        Name = name;
        M = m;
        N = n;
        K = k;
        TransposeA = transposeA;
        TransposeB = transposeB;
        _a = RandomData.Values(m * k, seed: 11);
        _b = RandomData.Values(k * n, seed: 12);
        _c = new double[m * n];
    }

    public string Name { get; }

    public int M { get; }

    public int N { get; }

    public int K { get; }

    public bool TransposeA { get; }

    public bool TransposeB { get; }

    /// <summary>Floating-point operations of one product: a multiply and an add per term.</summary>
    public double Flops => 2.0 * M * N * K;

    /// <summary>Square products n × n · n × n, the classic GEMM benchmark.</summary>
    public static MatrixProductShape Square(int n) => new($"square n={n}", n, n, n, false, false);

    /// <summary>
    /// The three products of a Dense(in, out) layer at a batch: forward <c>y = x·W</c> (NN), weight gradient
    /// <c>dW = xᵀ·dy</c> (TN) and input gradient <c>dx = dy·Wᵀ</c> (NT).
    /// </summary>
    public static IEnumerable<MatrixProductShape> DenseLayer(int inFeatures, int outFeatures, int batch)
    {
        string layer = $"Dense({inFeatures},{outFeatures}) b={batch}";
        yield return new MatrixProductShape($"{layer} fwd NN", batch, outFeatures, inFeatures, false, false);
        yield return new MatrixProductShape($"{layer} dW TN", inFeatures, outFeatures, batch, true, false);
        yield return new MatrixProductShape($"{layer} dx NT", batch, inFeatures, outFeatures, false, true);
    }

    public void Multiply() => Gemm.Multiply(M, N, K, _a, TransposeA, _b, TransposeB, accumulate: false, _c);

    public override string ToString() => Name;
}
