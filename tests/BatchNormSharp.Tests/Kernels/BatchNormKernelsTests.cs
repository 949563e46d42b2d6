using BatchNormSharp.Kernels;

namespace BatchNormSharp.Tests.Kernels;

/// <summary>
/// The tiled, threaded BatchNorm kernels against a plain scalar transcription of the formulas. Both sum every column
/// in row order with the same operations, so they must agree bit for bit, whatever the shape (full tiles, single
/// vectors, leftover columns, short last row tiles) and whatever the number of threads.
/// </summary>
public class BatchNormKernelsTests
{
    private const double Eps = 1e-5;

    public static TheoryData<int, int> OddShapes => new()
    {
        { 2, 1 }, { 3, 7 }, { 7, 8 }, { 9, 37 }, { 17, 33 }, { 16, 64 }, { 13, 71 }, { 65, 100 }, { 5, 300 },
    };

    [Theory]
    [MemberData(nameof(OddShapes))]
    public void Statistics_OddShape_EqualsScalarReferenceBitForBit(int rows, int columns)
    {
        var data = Batch.Random(rows, columns, seed: rows * 1000 + columns);
        var expected = ScalarReference.Statistics(data.X, rows, columns);

        var actual = RunStatistics(data.X, rows, columns, KernelThreading.SingleThread);

        actual.Mean.Should().Equal(expected.Mean);
        actual.SumSq.Should().Equal(expected.SumSq);
        actual.InvStd.Should().Equal(expected.InvStd);
    }

    [Theory]
    [MemberData(nameof(OddShapes))]
    public void Normalize_OddShape_EqualsScalarReferenceBitForBit(int rows, int columns)
    {
        var data = Batch.Random(rows, columns, seed: rows * 1000 + columns + 1);
        var stats = ScalarReference.Statistics(data.X, rows, columns);
        var expected = ScalarReference.Normalize(data.X, rows, columns, stats, data.Gamma, data.Beta);

        var actual = RunNormalize(data, rows, columns, stats, KernelThreading.SingleThread);

        actual.Should().Equal(expected);
    }

    [Theory]
    [MemberData(nameof(OddShapes))]
    public void GradientKernels_OddShape_EqualScalarReferenceBitForBit(int rows, int columns)
    {
        var data = Batch.Random(rows, columns, seed: rows * 1000 + columns + 2);
        var stats = ScalarReference.Statistics(data.X, rows, columns);
        var expected = ScalarReference.Backward(data.Dy, data.X, rows, columns, stats, data.Gamma);

        var actual = RunBackward(data, rows, columns, stats, KernelThreading.SingleThread);

        actual.SumDy.Should().Equal(expected.SumDy);
        actual.SumDyXhat.Should().Equal(expected.SumDyXhat);
        actual.Dx.Should().Equal(expected.Dx);
    }

    [Theory]
    [InlineData(9, 37)]
    [InlineData(33, 250)]
    [InlineData(600, 300)] // 1.4 MB: the automatic policy splits this one too
    public void AllKernels_SplitAcrossThreads_BitIdenticalToOneThread(int rows, int columns)
    {
        var data = Batch.Random(rows, columns, seed: 42);

        var single = RunAll(data, rows, columns, KernelThreading.SingleThread);
        var split = RunAll(data, rows, columns, KernelThreading.AlwaysSplit);
        var automatic = RunAll(data, rows, columns, KernelThreading.Automatic);

        foreach (var other in new[] { split, automatic })
        {
            other.Stats.Mean.Should().Equal(single.Stats.Mean);
            other.Stats.SumSq.Should().Equal(single.Stats.SumSq);
            other.Stats.InvStd.Should().Equal(single.Stats.InvStd);
            other.Y.Should().Equal(single.Y);
            other.Backward.SumDy.Should().Equal(single.Backward.SumDy);
            other.Backward.SumDyXhat.Should().Equal(single.Backward.SumDyXhat);
            other.Backward.Dx.Should().Equal(single.Backward.Dx);
        }
    }

    [Fact]
    public void Statistics_LargeMeanSmallSpread_KeepsTheVariance()
    {
        // x = 1e9 + {0, 1, 2, 3}: E[x²] - E[x]² would lose every digit; two passes give exactly 1.25.
        const int rows = 4, columns = 40;
        var x = new double[rows * columns];
        for (int i = 0; i < rows; i++)
        {
            x.AsSpan(i * columns, columns).Fill(1e9 + i);
        }

        var actual = RunStatistics(x, rows, columns, KernelThreading.SingleThread);

        actual.SumSq.Should().AllSatisfy(s => s.Should().Be(5.0));
        actual.Mean.Should().AllSatisfy(m => m.Should().Be(1e9 + 1.5));
    }

    private static Stats RunStatistics(double[] x, int rows, int columns, KernelThreading threading)
    {
        var stats = new Stats(new double[columns], new double[columns], new double[columns]);
        WithThreading(threading, () =>
            BatchNormKernels.Statistics(x, rows, columns, Eps, stats.Mean, stats.SumSq, stats.InvStd));
        return stats;
    }

    private static double[] RunNormalize(Batch data, int rows, int columns, Stats stats, KernelThreading threading)
    {
        var y = new double[rows * columns];
        WithThreading(threading, () =>
            BatchNormKernels.Normalize(data.X, rows, columns, stats.Mean, stats.InvStd, data.Gamma, data.Beta, y));
        return y;
    }

    private static Gradients RunBackward(Batch data, int rows, int columns, Stats stats, KernelThreading threading)
    {
        var sumDy = new double[columns];
        var sumDyXhat = new double[columns];
        var dx = new double[rows * columns];
        WithThreading(threading, () =>
        {
            BatchNormKernels.GradientSums(data.Dy, data.X, rows, columns, stats.Mean, stats.InvStd, sumDy, sumDyXhat);
            var (scale, meanDy, meanDyXhat) = ScalarReference.Coefficients(sumDy, sumDyXhat, stats, data.Gamma, rows);
            BatchNormKernels.TrainingInputGradient(data.Dy, data.X, rows, columns, stats.Mean, stats.InvStd, scale,
                meanDy, meanDyXhat, dx);
        });
        return new Gradients(sumDy, sumDyXhat, dx);
    }

    private static (Stats Stats, double[] Y, Gradients Backward) RunAll(
        Batch data, int rows, int columns, KernelThreading threading)
    {
        var stats = RunStatistics(data.X, rows, columns, threading);
        return (stats, RunNormalize(data, rows, columns, stats, threading),
            RunBackward(data, rows, columns, stats, threading));
    }

    private static void WithThreading(KernelThreading threading, Action action)
    {
        KernelThreads.Run(threading, () =>
        {
            action();
            return 0;
        });
    }

    private sealed record Stats(double[] Mean, double[] SumSq, double[] InvStd);

    private sealed record Gradients(double[] SumDy, double[] SumDyXhat, double[] Dx);

    /// <summary>A batch with a large mean and a non-unit spread, a random upstream gradient and random γ, β.</summary>
    private sealed record Batch(double[] X, double[] Dy, double[] Gamma, double[] Beta)
    {
        public static Batch Random(int rows, int columns, int seed)
        {
            var random = new Random(seed);
            double[] Fill(int n, double scale, double offset)
            {
                var values = new double[n];
                for (int i = 0; i < n; i++)
                {
                    values[i] = offset + (scale * ((2 * random.NextDouble()) - 1));
                }
                return values;
            }
            return new Batch(Fill(rows * columns, 5, 12), Fill(rows * columns, 1, 0), Fill(columns, 1, 1),
                Fill(columns, 1, 0));
        }
    }

    /// <summary>The formulas of the engineering guide, one column and one row at a time.</summary>
    private static class ScalarReference
    {
        public static Stats Statistics(double[] x, int rows, int columns)
        {
            var stats = new Stats(new double[columns], new double[columns], new double[columns]);
            for (int j = 0; j < columns; j++)
            {
                double sum = 0;
                for (int i = 0; i < rows; i++)
                {
                    sum += x[(i * columns) + j];
                }
                double mean = sum / rows;
                double sumSq = 0;
                for (int i = 0; i < rows; i++)
                {
                    double d = x[(i * columns) + j] - mean;
                    sumSq += d * d;
                }
                stats.Mean[j] = mean;
                stats.SumSq[j] = sumSq;
                stats.InvStd[j] = 1.0 / Math.Sqrt((sumSq / rows) + Eps);
            }
            return stats;
        }

        public static double[] Normalize(double[] x, int rows, int columns, Stats stats, double[] gamma, double[] beta)
        {
            var y = new double[rows * columns];
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < columns; j++)
                {
                    double xhat = (x[(i * columns) + j] - stats.Mean[j]) * stats.InvStd[j];
                    y[(i * columns) + j] = (xhat * gamma[j]) + beta[j];
                }
            }
            return y;
        }

        public static (double[] Scale, double[] MeanDy, double[] MeanDyXhat) Coefficients(
            double[] sumDy, double[] sumDyXhat, Stats stats, double[] gamma, int rows)
        {
            int columns = sumDy.Length;
            var scale = new double[columns];
            var meanDy = new double[columns];
            var meanDyXhat = new double[columns];
            for (int j = 0; j < columns; j++)
            {
                scale[j] = gamma[j] * stats.InvStd[j];
                meanDy[j] = sumDy[j] / rows;
                meanDyXhat[j] = sumDyXhat[j] / rows;
            }
            return (scale, meanDy, meanDyXhat);
        }

        public static Gradients Backward(double[] dy, double[] x, int rows, int columns, Stats stats, double[] gamma)
        {
            var sumDy = new double[columns];
            var sumDyXhat = new double[columns];
            for (int j = 0; j < columns; j++)
            {
                for (int i = 0; i < rows; i++)
                {
                    double xhat = (x[(i * columns) + j] - stats.Mean[j]) * stats.InvStd[j];
                    sumDy[j] += dy[(i * columns) + j];
                    sumDyXhat[j] += dy[(i * columns) + j] * xhat;
                }
            }
            var (scale, meanDy, meanDyXhat) = Coefficients(sumDy, sumDyXhat, stats, gamma, rows);
            var dx = new double[rows * columns];
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < columns; j++)
                {
                    double xhat = (x[(i * columns) + j] - stats.Mean[j]) * stats.InvStd[j];
                    dx[(i * columns) + j] = scale[j] * (dy[(i * columns) + j] - meanDy[j] - (xhat * meanDyXhat[j]));
                }
            }
            return new Gradients(sumDy, sumDyXhat, dx);
        }
    }
}
