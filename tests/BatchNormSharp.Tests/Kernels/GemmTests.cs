using BatchNormSharp.Kernels;
using MathNet.Numerics.LinearAlgebra;

namespace BatchNormSharp.Tests.Kernels;

public class GemmTests
{
    // Shapes (m, n, k) around the tile sizes (12 × 16 and 6 × 8), the vector widths (4 and 8) and the k block (1024):
    // 1, odd primes, one less and one more than a power of two, and the layer shapes of the Iris network.
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 1, 1, 1 },
        { 1, 1, 7 },
        { 1, 17, 3 },
        { 9, 1, 5 },
        { 2, 2, 2 },
        { 3, 7, 9 },
        { 7, 9, 3 },
        { 12, 16, 8 },
        { 17, 31, 33 },
        { 31, 33, 17 },
        { 33, 65, 1 },
        { 65, 129, 31 },
        { 129, 17, 65 },
        { 12, 32, 256 },
        { 25, 47, 250 },
        { 24, 48, 257 },
        { 13, 19, 513 },
        { 13, 17, 1024 },
        { 14, 18, 1025 }, // two k blocks: the second adds into C
        { 30, 40, 2500 }, // three k blocks of 834, 834 and 832
        { 32, 10, 4 },
        { 10, 3, 32 },
    };

    public static TheoryData<int, int, int, bool, bool, bool> ShapesAndVariants()
    {
        var data = new TheoryData<int, int, int, bool, bool, bool>();
        foreach (var row in Shapes)
        {
            int m = (int)row[0], n = (int)row[1], k = (int)row[2];
            foreach (bool transposeA in new[] { false, true })
            {
                foreach (bool transposeB in new[] { false, true })
                {
                    foreach (bool accumulate in new[] { false, true })
                    {
                        data.Add(m, n, k, transposeA, transposeB, accumulate);
                    }
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ShapesAndVariants))]
    public void Multiply_AnyShapeAndTranspose_MatchesMathNet(
        int m, int n, int k, bool transposeA, bool transposeB, bool accumulate)
    {
        var random = new Random(HashCode.Combine(m, n, k, transposeA, transposeB, accumulate) & 0xFFFF);
        double[] a = RandomValues(random, m * k);
        double[] b = RandomValues(random, k * n);
        double[] c = RandomValues(random, m * n);
        double[] expected = Reference(m, n, k, a, transposeA, b, transposeB, accumulate, c);

        Gemm.Multiply(m, n, k, a, transposeA, b, transposeB, accumulate, c);

        AssertClose(c, expected, Scale(m, n, k, a, transposeA, b, transposeB, accumulate ? c : null));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Multiply_LargeEnoughForThreads_MatchesMathNet(bool transposeA, bool transposeB)
    {
        // 8 · (300·350 + 350·400 + 300·400) bytes ≈ 2.9 MB: above WorkerPool.SplitThresholdBytes, so the product is split.
        const int m = 300, n = 400, k = 350;
        var random = new Random(7);
        double[] a = RandomValues(random, m * k);
        double[] b = RandomValues(random, k * n);
        double[] c = RandomValues(random, m * n);
        double[] expected = Reference(m, n, k, a, transposeA, b, transposeB, accumulate: true, c);

        Gemm.Multiply(m, n, k, a, transposeA, b, transposeB, accumulate: true, c, maxDegreeOfParallelism: 2,
            GemmMicroKernel.Preferred);

        AssertClose(c, expected, Scale(m, n, k, a, transposeA, b, transposeB, c));
    }

    [Theory]
    [InlineData(300, 400, 350, false, false)]
    [InlineData(300, 400, 350, true, true)]
    [InlineData(401, 257, 513, true, false)] // m > n: the rows are split
    [InlineData(128, 784, 256, false, true)] // Dense backward dx = dy · Wᵀ of a 784-256 layer
    [InlineData(784, 256, 128, true, false)] // Dense backward dW += xᵀ · dy of the same layer
    [InlineData(100, 300, 2100, false, false)] // three k blocks
    public void Multiply_OneThreadOrTwo_BitIdentical(int m, int n, int k, bool transposeA, bool transposeB)
    {
        WorkerPool.SplitThresholdBytes.Should().BeLessThan(sizeof(double) * (((long)m * k) + ((long)k * n) + ((long)m * n)),
            "the shape must be large enough to be split between threads");
        var random = new Random(11);
        double[] a = RandomValues(random, m * k);
        double[] b = RandomValues(random, k * n);
        double[] initial = RandomValues(random, m * n);
        foreach (bool accumulate in new[] { false, true })
        {
            double[] single = (double[])initial.Clone();
            double[] multi = (double[])initial.Clone();

            Gemm.Multiply(m, n, k, a, transposeA, b, transposeB, accumulate, single, 1, GemmMicroKernel.Preferred);
            Gemm.Multiply(m, n, k, a, transposeA, b, transposeB, accumulate, multi, 2, GemmMicroKernel.Preferred);

            AssertBitIdentical(multi, single);
        }
    }

    [Theory]
    [InlineData(17, 31, 33, false, false)]
    [InlineData(65, 129, 300, true, false)]
    [InlineData(129, 65, 513, false, true)]
    [InlineData(33, 17, 257, true, true)]
    public void Multiply_Vector256OrVector512_BitIdenticalAndCorrect(
        int m, int n, int k, bool transposeA, bool transposeB)
    {
        var random = new Random(13);
        double[] a = RandomValues(random, m * k);
        double[] b = RandomValues(random, k * n);
        double[] narrow = new double[m * n];
        double[] wide = new double[m * n];

        Gemm.Multiply(m, n, k, a, transposeA, b, transposeB, false, narrow, 1, GemmVectorWidth.Vector256);
        Gemm.Multiply(m, n, k, a, transposeA, b, transposeB, false, wide, 1, GemmVectorWidth.Vector512);

        AssertClose(narrow, Reference(m, n, k, a, transposeA, b, transposeB, false, new double[m * n]),
            Scale(m, n, k, a, transposeA, b, transposeB, null));
        AssertBitIdentical(wide, narrow);
    }

    [Theory]
    [InlineData(7, 5, 3, false, false, false)]
    [InlineData(33, 10, 300, true, false, true)]
    [InlineData(130, 31, 600, false, true, false)]
    [InlineData(40, 20, 2100, false, false, true)] // three k blocks on both paths
    [InlineData(45, 67, 9, true, true, true)]
    public void Multiply_SmallPathOrBlockedPath_BitIdentical(
        int m, int n, int k, bool transposeA, bool transposeB, bool accumulate)
    {
        // The path is chosen by shape; both must round every element the same way, so that the choice is invisible.
        var random = new Random(19);
        double[] a = RandomValues(random, m * k);
        double[] b = RandomValues(random, k * n);
        double[] small = RandomValues(random, m * n);
        double[] blocked = (double[])small.Clone();
        var problem = new GemmProblem(m, n, k, transposeA, transposeB, accumulate, GemmMicroKernel.Preferred);

        GemmSmall.Multiply(problem, a, b, small);
        GemmBlocking.MultiplyRegion(problem, a, b, blocked, 0, m, 0, n);

        AssertBitIdentical(small, blocked);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void Multiply_NotAccumulating_IgnoresWhatWasInC(bool transposeA, bool transposeB)
    {
        // NaN in C would leak into the result if the kernel read C before overwriting it.
        const int m = 29, n = 37, k = 300;
        var random = new Random(17);
        double[] a = RandomValues(random, m * k);
        double[] b = RandomValues(random, k * n);
        double[] c = Enumerable.Repeat(double.NaN, m * n).ToArray();

        Gemm.Multiply(m, n, k, a, transposeA, b, transposeB, accumulate: false, c);

        AssertClose(c, Reference(m, n, k, a, transposeA, b, transposeB, false, new double[m * n]),
            Scale(m, n, k, a, transposeA, b, transposeB, null));
    }

    [Fact]
    public void Multiply_DepthZeroAccumulating_LeavesCUnchanged()
    {
        double[] c = [1, 2, 3, 4, 5, 6];

        Gemm.Multiply(2, 3, 0, [], false, [], false, accumulate: true, c);

        c.Should().Equal(1, 2, 3, 4, 5, 6);
    }

    [Fact]
    public void Multiply_DepthZeroOverwriting_ZeroesC()
    {
        double[] c = [1, 2, 3, 4, 5, 6];

        Gemm.Multiply(2, 3, 0, [], true, [], true, accumulate: false, c);

        c.Should().Equal(0, 0, 0, 0, 0, 0);
    }

    [Fact]
    public void Multiply_NoRows_LeavesCUnchanged()
    {
        double[] c = [7, 8];

        Gemm.Multiply(0, 2, 3, [], false, new double[6], false, accumulate: false, c);

        c.Should().Equal(7, 8);
    }

    [Fact]
    public void Multiply_SpansLongerThanMatrices_TouchesOnlyTheMatrix()
    {
        // [[1, 2], [3, 4]] · [[5, 6], [7, 8]] = [[19, 22], [43, 50]]; the trailing elements are not part of C.
        double[] c = [0, 0, 0, 0, -1, -1];

        Gemm.Multiply(2, 2, 2, [1, 2, 3, 4, 99], false, [5, 6, 7, 8, 99], false, accumulate: false, c);

        c.Should().Equal(19, 22, 43, 50, -1, -1);
    }

    [Fact]
    public void Multiply_TransposedOperands_ReadsTheStoredTransposes()
    {
        // A stored [k, m] = [[1, 3], [2, 4]] is [[1, 2], [3, 4]]; B stored [n, k] = [[5, 7], [6, 8]] is [[5, 6], [7, 8]].
        double[] c = new double[4];

        Gemm.Multiply(2, 2, 2, [1, 3, 2, 4], true, [5, 7, 6, 8], true, accumulate: false, c);

        c.Should().Equal(19, 22, 43, 50);
    }

    [Theory]
    [InlineData(5, 12, 8, "a")] // op(A) is 2 × 3 = 6 values
    [InlineData(6, 11, 8, "b")] // op(B) is 3 × 4 = 12 values
    [InlineData(6, 12, 7, "c")] // C is 2 × 4 = 8 values
    public void Multiply_SpanTooShort_ThrowsNamingTheSpanAndLeavesCUnchanged(
        int aLength, int bLength, int cLength, string parameter)
    {
        double[] c = Enumerable.Repeat(42.0, cLength).ToArray();

        var act = () => Gemm.Multiply(2, 4, 3, new double[aLength], false, new double[bLength], false, false, c);

        act.Should().Throw<ArgumentException>().And.ParamName.Should().Be(parameter);
        c.Should().OnlyContain(value => value == 42.0);
    }

    [Fact]
    public void Multiply_SpanTooShort_MessageNamesExpectedAndActualCounts()
    {
        var act = () => Gemm.Multiply(2, 4, 3, new double[5], false, new double[12], false, false, new double[8]);

        act.Should().Throw<ArgumentException>().WithMessage("*2 × 3 = 6*holds 5*").And.ParamName.Should().Be("a");
    }

    [Fact]
    public void Multiply_NegativeDimension_Throws()
    {
        var act = () => Gemm.Multiply(2, -1, 3, new double[6], false, [], false, false, []);

        act.Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be("n");
    }

    [Theory]
    [InlineData(32, 10, 4, false, false)]
    [InlineData(128, 256, 784, false, false)]
    [InlineData(300, 400, 350, true, false)]
    public void Multiply_SteadyState_AllocatesNothing(int m, int n, int k, bool transposeA, bool transposeB)
    {
        double[] a = new double[m * k];
        double[] b = new double[k * n];
        double[] c = new double[m * n];
        Gemm.Multiply(m, n, k, a, transposeA, b, transposeB, accumulate: false, c); // grows the pooled buffers

        long allocated = AllocationMeter.BytesAllocatedBy(() =>
        {
            for (int i = 0; i < 3; i++)
            {
                Gemm.Multiply(m, n, k, a, transposeA, b, transposeB, accumulate: true, c);
            }
        });

        allocated.Should().Be(0);
    }

    private static double[] RandomValues(Random random, int count)
    {
        // Offset and scaled, like real activations: a sum that cancels to near zero would hide relative errors.
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (3 * ((2 * random.NextDouble()) - 1)) + 0.5;
        }
        return values;
    }

    /// <summary>MathNet's <c>C0 + op(A) · op(B)</c> (or <c>op(A) · op(B)</c>), row-major.</summary>
    private static double[] Reference(
        int m, int n, int k, double[] a, bool transposeA, double[] b, bool transposeB, bool accumulate, double[] c)
    {
        var product = Operand(a, transposeA, m, k) * Operand(b, transposeB, k, n);
        if (accumulate)
        {
            product += Matrix<double>.Build.DenseOfRowMajor(m, n, c);
        }
        return RowMajor(product);
    }

    /// <summary>
    /// The natural size of each element's rounding error: <c>|op(A)| · |op(B)| + |C0|</c>, at its largest.
    /// </summary>
    private static double Scale(
        int m, int n, int k, double[] a, bool transposeA, double[] b, bool transposeB, double[]? initialC)
    {
        var magnitude = Operand(a, transposeA, m, k).PointwiseAbs() * Operand(b, transposeB, k, n).PointwiseAbs();
        double scale = m == 0 || n == 0 ? 0 : magnitude.Enumerate().Max();
        double cScale = initialC is null || initialC.Length == 0 ? 0 : initialC.Max(Math.Abs);
        return Math.Max(scale + cScale, double.Epsilon);
    }

    private static Matrix<double> Operand(double[] stored, bool transposed, int rows, int columns) => transposed
        ? Matrix<double>.Build.DenseOfRowMajor(columns, rows, stored).Transpose()
        : Matrix<double>.Build.DenseOfRowMajor(rows, columns, stored);

    private static double[] RowMajor(Matrix<double> matrix) => matrix.ToRowMajorArray();

    private static void AssertClose(double[] actual, double[] expected, double scale)
    {
        actual.Length.Should().Be(expected.Length);
        int worst = -1;
        double worstError = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]);
            if (double.IsNaN(error) || error > worstError)
            {
                worst = i;
                worstError = double.IsNaN(error) ? double.PositiveInfinity : error;
            }
        }
        (worstError / scale).Should().BeLessThanOrEqualTo(1e-12,
            $"element {worst} is {(worst < 0 ? 0 : actual[worst])}, expected {(worst < 0 ? 0 : expected[worst])} " +
            $"(scale {scale})");
    }

    private static void AssertBitIdentical(double[] actual, double[] expected)
    {
        actual.Length.Should().Be(expected.Length);
        for (int i = 0; i < actual.Length; i++)
        {
            if (BitConverter.DoubleToInt64Bits(actual[i]) != BitConverter.DoubleToInt64Bits(expected[i]))
            {
                actual[i].Should().Be(expected[i], $"element {i} must be bit-identical");
                Assert.Fail($"element {i} differs in its bits: {actual[i]:R} vs {expected[i]:R}");
            }
        }
    }
}
