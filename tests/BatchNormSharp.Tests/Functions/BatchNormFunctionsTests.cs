using BatchNormSharp.Kernels;

namespace BatchNormSharp.Tests.Functions;

/// <summary>
/// The BatchNorm functions: bit for bit against a scalar transcription of the formulas for <c>[N, C]</c> (the tiles
/// sum every column in row order, as the transcription does), bit-identical under every threading policy, and the
/// contract of the cache (a refused batch writes nothing, gradients accumulate, dx may be skipped).
/// </summary>
public class BatchNormFunctionsTests
{
    private const double Eps = 1e-5;

    public static TheoryData<int, int> OddShapes => new()
    {
        { 2, 1 }, { 3, 7 }, { 7, 8 }, { 9, 37 }, { 17, 33 }, { 16, 64 }, { 13, 71 }, { 65, 100 }, { 5, 300 },
    };

    public static TheoryData<int, int, int> ThreadingShapes => new()
    {
        { 9, 37, 1 }, { 33, 250, 1 }, { 600, 300, 1 }, // the last (1.4 MB) is split by the automatic policy too
        { 1, 5, 7 }, { 3, 17, 9 }, { 8, 40, 16 }, { 64, 40, 50 }, // 1 MB
    };

    [Theory]
    [MemberData(nameof(OddShapes))]
    public void TrainingForwardAndBackward_OddRank2Shape_EqualScalarReferenceBitForBit(int rows, int columns)
    {
        var data = Batch.Random(new BatchNormShape(rows, columns), seed: (rows * 1000) + columns);
        var expected = ScalarReference.Run(data, rows, columns);

        var actual = KernelThreads.Run(KernelThreading.SingleThread, () => Passes.Run(data));

        actual.Mean.Should().Equal(expected.Mean);
        actual.SumSq.Should().Equal(expected.SumSq);
        actual.InvStd.Should().Equal(expected.InvStd);
        actual.Y.Should().Equal(expected.Y);
        actual.Dx.Should().Equal(expected.Dx);
        actual.Dgamma.Should().Equal(expected.Dgamma);
        actual.Dbeta.Should().Equal(expected.Dbeta);
    }

    [Theory]
    [InlineData(2048, 1024)] // exactly StreamingStores.MinimumBytes
    [InlineData(2050, 1032)] // a tail of 8 columns after the last tile, a short last chunk of statistics
    public void TrainingForwardAndBackward_OutputLargeEnoughToStream_EqualScalarReferenceBitForBit(int rows,
        int columns)
    {
        ((long)rows * columns * sizeof(double)).Should().BeGreaterThanOrEqualTo(StreamingStores.MinimumBytes);
        var data = Batch.Random(new BatchNormShape(rows, columns), seed: rows + columns);
        var expected = ScalarReference.Run(data, rows, columns);

        foreach (var threading in new[] { KernelThreading.SingleThread, KernelThreading.AlwaysSplit })
        {
            var actual = KernelThreads.Run(threading, () => Passes.Run(data));

            actual.Mean.Should().Equal(expected.Mean);
            actual.SumSq.Should().Equal(expected.SumSq);
            actual.InvStd.Should().Equal(expected.InvStd);
            actual.Y.Should().Equal(expected.Y);
            actual.Dx.Should().Equal(expected.Dx);
            actual.Dgamma.Should().Equal(expected.Dgamma);
            actual.Dbeta.Should().Equal(expected.Dbeta);
        }
    }

    [Theory]
    [MemberData(nameof(ThreadingShapes))]
    public void EveryPass_AnyThreadingPolicy_BitIdenticalToOneThread(int n, int c, int l)
    {
        var data = Batch.Random(new BatchNormShape(n, c, l), seed: 42);

        var single = KernelThreads.Run(KernelThreading.SingleThread, () => Passes.Run(data));
        var split = KernelThreads.Run(KernelThreading.AlwaysSplit, () => Passes.Run(data));
        var automatic = KernelThreads.Run(KernelThreading.Automatic, () => Passes.Run(data));

        foreach (var other in new[] { split, automatic })
        {
            other.Mean.Should().Equal(single.Mean);
            other.SumSq.Should().Equal(single.SumSq);
            other.InvStd.Should().Equal(single.InvStd);
            other.Y.Should().Equal(single.Y);
            other.Dx.Should().Equal(single.Dx);
            other.Dgamma.Should().Equal(single.Dgamma);
            other.Dbeta.Should().Equal(single.Dbeta);
            other.YInference.Should().Equal(single.YInference);
            other.DxFrozen.Should().Equal(single.DxFrozen);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(17)]
    public void TrainingForward_LargeMeanSmallSpread_KeepsTheVariance(int length)
    {
        // x = 1e9 + {0, 1, 2, 3} in every feature: E[x²] - E[x]² would lose every digit; two passes give exactly 5.
        var shape = new BatchNormShape(4, 40, length);
        var x = new double[shape.Elements];
        for (int n = 0; n < 4; n++)
        {
            x.AsSpan(n * 40 * length, 40 * length).Fill(1e9 + n);
        }
        var cache = new BatchNormCache(40);

        BatchNormFunctions.TrainingForward(x, shape, Ones(40), new double[40], Eps, cache, new double[x.Length]);

        cache.SumSquaredDeviations.ToArray().Should().AllSatisfy(s => s.Should().Be(5.0 * length));
        cache.Mean.ToArray().Should().AllSatisfy(m => m.Should().Be(1e9 + 1.5));
    }

    [Theory]
    [InlineData(1, double.NaN)]
    [InlineData(5, double.PositiveInfinity)]
    [InlineData(5, 1e200)] // finite, but its square overflows
    public void TrainingForward_NonFiniteFeature_ReturnsItAndWritesNothing(int length, double poison)
    {
        var shape = new BatchNormShape(6, 4, length);
        var data = Batch.Random(shape, seed: 5);
        var cache = new BatchNormCache(4);
        var y = new double[shape.Elements];
        BatchNormFunctions.TrainingForward(data.X, shape, data.Gamma, data.Beta, Eps, cache, y).Should().Be(-1);
        double[] mean = cache.Mean.ToArray(), invStd = cache.InvStd.ToArray(), sumSq = cache.SumSquaredDeviations.ToArray();
        double[] yBefore = (double[])y.Clone();
        double[] bad = (double[])data.X.Clone();
        bad[((3 * 4) + 2) * length] = poison; // sample 3, feature 2

        int feature = BatchNormFunctions.TrainingForward(bad, shape, data.Gamma, data.Beta, Eps, cache, y);

        feature.Should().Be(2);
        y.Should().Equal(yBefore);
        cache.Mean.ToArray().Should().Equal(mean);
        cache.InvStd.ToArray().Should().Equal(invStd);
        cache.SumSquaredDeviations.ToArray().Should().Equal(sumSq);
        (double.IsFinite(cache.PendingMean(2)) && double.IsFinite(cache.PendingVariance(2))).Should().BeFalse();
    }

    [Fact]
    public void BatchStatisticsForward_NonFiniteFeature_WritesTheOutputAnyway()
    {
        var shape = new BatchNormShape(4, 3);
        var data = Batch.Random(shape, seed: 6);
        data.X[1] = double.NaN;
        var y = new double[shape.Elements];

        BatchNormFunctions.BatchStatisticsForward(data.X, shape, data.Gamma, data.Beta, Eps, new BatchNormCache(3), y)
            .Should().Be(1);

        y.Where(double.IsNaN).Should().HaveCount(4, "feature 1 is NaN in every row, as in PyTorch");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    public void Backward_EmptyDx_SkipsTheInputGradientAndStillAddsParameterGradients(int length)
    {
        var shape = new BatchNormShape(5, 9, length);
        var data = Batch.Random(shape, seed: 7);
        var full = KernelThreads.Run(KernelThreading.SingleThread, () => Passes.Run(data));
        var cache = new BatchNormCache(9);
        BatchNormFunctions.TrainingForward(data.X, shape, data.Gamma, data.Beta, Eps, cache, new double[shape.Elements]);
        double[] dgamma = [.. Enumerable.Repeat(1.0, 9)], dbeta = [.. Enumerable.Repeat(-1.0, 9)];

        BatchNormFunctions.Backward(data.Dy, data.X, shape, data.Gamma, cache, Span<double>.Empty, dgamma, dbeta);

        dgamma.Should().Equal(full.Dgamma.Select(g => 1.0 + g), "dγ is added to what the gradient held");
        dbeta.Should().Equal(full.Dbeta.Select(b => -1.0 + b));
    }

    [Fact]
    public void Backward_NoParameterGradients_StillGivesDx()
    {
        var shape = new BatchNormShape(5, 9, 3);
        var data = Batch.Random(shape, seed: 8);
        var full = KernelThreads.Run(KernelThreading.SingleThread, () => Passes.Run(data));
        var cache = new BatchNormCache(9);
        BatchNormFunctions.TrainingForward(data.X, shape, data.Gamma, data.Beta, Eps, cache, new double[shape.Elements]);
        var dx = new double[shape.Elements];

        BatchNormFunctions.Backward(data.Dy, data.X, shape, data.Gamma, cache, dx, default, default);

        dx.Should().Equal(full.Dx);
    }

    [Fact]
    public void Backward_WithoutForward_ThrowsInvalidOperationException()
    {
        var shape = new BatchNormShape(2, 3);
        var act = () => BatchNormFunctions.Backward(new double[6], new double[6], shape, Ones(3),
            new BatchNormCache(3), new double[6], new double[3], new double[3]);

        act.Should().Throw<InvalidOperationException>().WithMessage("*forward pass*");
    }

    [Fact]
    public void Backward_ShapeOtherThanTheForwardPass_ThrowsAndWritesNothing()
    {
        var shape = new BatchNormShape(4, 3, 2);
        var data = Batch.Random(shape, seed: 9);
        var cache = new BatchNormCache(3);
        BatchNormFunctions.TrainingForward(data.X, shape, data.Gamma, data.Beta, Eps, cache, new double[shape.Elements]);
        var dgamma = new double[3];

        var act = () => BatchNormFunctions.Backward(data.Dy, data.X, new BatchNormShape(8, 3), data.Gamma, cache,
            new double[24], dgamma, new double[3]);

        act.Should().Throw<ArgumentException>().WithMessage("*[4, 3, 2]*[8, 3]*");
        dgamma.Should().AllSatisfy(g => g.Should().Be(0));
    }

    [Fact]
    public void TrainingForward_OneValuePerFeature_ThrowsButABatchOfOneWithLengthWorks()
    {
        var act = () => BatchNormFunctions.TrainingForward(new double[3], new BatchNormShape(1, 3), Ones(3),
            new double[3], Eps, new BatchNormCache(3), new double[3]);
        act.Should().Throw<ArgumentException>().WithMessage("*more than 1 value per feature*");

        var shape = new BatchNormShape(1, 3, 4);
        var data = Batch.Random(shape, seed: 10);
        BatchNormFunctions.TrainingForward(data.X, shape, data.Gamma, data.Beta, Eps, new BatchNormCache(3),
            new double[12]).Should().Be(-1);
    }

    [Fact]
    public void TrainingForward_ShortSpanOrOtherCache_ThrowsAndWritesNothing()
    {
        var shape = new BatchNormShape(4, 3, 2);
        var y = new double[24];

        var shortInput = () => BatchNormFunctions.TrainingForward(new double[23], shape, Ones(3), new double[3], Eps,
            new BatchNormCache(3), y);
        var otherCache = () => BatchNormFunctions.TrainingForward(new double[24], shape, Ones(3), new double[3], Eps,
            new BatchNormCache(4), y);
        var shortGamma = () => BatchNormFunctions.InferenceForward(new double[24], shape, new double[3],
            Ones(3), Ones(2), new double[3], Eps, y);

        shortInput.Should().Throw<ArgumentException>().WithMessage("*24 values*holds 23*");
        otherCache.Should().Throw<ArgumentException>().WithMessage("*4 features*has 3*");
        shortGamma.Should().Throw<ArgumentException>().WithMessage("*gamma*");
        y.Should().AllSatisfy(v => v.Should().Be(0));
    }

    [Fact]
    public void BatchStatisticsInference_EqualsBatchStatisticsForwardBitForBit()
    {
        var shape = new BatchNormShape(7, 300, 3);
        var data = Batch.Random(shape, seed: 11);
        var withCache = new double[shape.Elements];
        var stateless = new double[shape.Elements];

        BatchNormFunctions.BatchStatisticsForward(data.X, shape, data.Gamma, data.Beta, Eps, new BatchNormCache(300),
            withCache);
        BatchNormFunctions.BatchStatisticsInference(data.X, shape, data.Gamma, data.Beta, Eps, stateless);

        stateless.Should().Equal(withCache);
    }

    private static double[] Ones(int count) => [.. Enumerable.Repeat(1.0, count)];

    /// <summary>The results of every pass on one batch.</summary>
    internal sealed record Results(double[] Mean, double[] SumSq, double[] InvStd, double[] Y, double[] Dx,
        double[] Dgamma, double[] Dbeta, double[] YInference, double[] DxFrozen);

    /// <summary>A batch with a large mean and a non-unit spread, a random upstream gradient and random γ, β.</summary>
    internal sealed record Batch(BatchNormShape Shape, double[] X, double[] Dy, double[] Gamma, double[] Beta,
        double[] RunningMean, double[] RunningVar)
    {
        public static Batch Random(BatchNormShape shape, int seed)
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
            int c = shape.Features;
            return new Batch(shape, Fill(shape.Elements, 5, 12), Fill(shape.Elements, 1, 0), Fill(c, 1, 1),
                Fill(c, 1, 0), Fill(c, 1, 12), Fill(c, 1, 9));
        }
    }

    /// <summary>Every function on one batch, under the calling thread's policy.</summary>
    internal static class Passes
    {
        public static Results Run(Batch data)
        {
            var shape = data.Shape;
            int c = shape.Features;
            var cache = new BatchNormCache(c);
            var y = new double[shape.Elements];
            BatchNormFunctions.TrainingForward(data.X, shape, data.Gamma, data.Beta, Eps, cache, y).Should().Be(-1);
            double[] mean = cache.Mean.ToArray(), sumSq = cache.SumSquaredDeviations.ToArray();
            double[] invStd = cache.InvStd.ToArray();
            var dx = new double[shape.Elements];
            var dgamma = new double[c];
            var dbeta = new double[c];
            BatchNormFunctions.Backward(data.Dy, data.X, shape, data.Gamma, cache, dx, dgamma, dbeta);

            var yInference = new double[shape.Elements];
            BatchNormFunctions.InferenceForward(data.X, shape, data.RunningMean, data.RunningVar, data.Gamma,
                data.Beta, Eps, yInference);
            BatchNormFunctions.FrozenForward(data.X, shape, data.RunningMean, data.RunningVar, data.Gamma, data.Beta,
                Eps, cache, new double[shape.Elements]);
            var dxFrozen = new double[shape.Elements];
            BatchNormFunctions.Backward(data.Dy, data.X, shape, data.Gamma, cache, dxFrozen, new double[c],
                new double[c]);
            return new Results(mean, sumSq, invStd, y, dx, dgamma, dbeta, yInference, dxFrozen);
        }
    }

    /// <summary>The formulas of the engineering guide for <c>[N, D]</c>, one column and one row at a time (the
    /// statistics of a batch too large for the cache in chunks, as <see cref="ColumnMoments"/> takes them).</summary>
    private static class ScalarReference
    {
        public static Results Run(Batch data, int rows, int columns)
        {
            double[] x = data.X, dy = data.Dy, gamma = data.Gamma, beta = data.Beta;
            double[] mean = new double[columns], sumSq = new double[columns], invStd = new double[columns];
            double[] y = new double[rows * columns], dx = new double[rows * columns];
            double[] dgamma = new double[columns], dbeta = new double[columns];
            int chunkRows = ColumnMoments.ChunkRows(rows, columns);
            for (int j = 0; j < columns; j++)
            {
                // The statistics chunk by chunk as ColumnMoments takes them: the two-pass formula on the first chunk
                // (on the whole batch when it is one chunk), whose mean is the reference K; every later chunk's sum of
                // x - K, its squared deviations from its own mean, and Chan's update on the means minus K.
                int firstHeight = Math.Min(chunkRows, rows);
                double sum = 0;
                for (int i = 0; i < firstHeight; i++)
                {
                    sum += x[(i * columns) + j];
                }
                double reference = sum / firstHeight, runningShift = 0;
                for (int i = 0; i < firstHeight; i++)
                {
                    double d = x[(i * columns) + j] - reference;
                    sumSq[j] += d * d;
                }
                if (rows > chunkRows)
                {
                    for (int i = 0; i < firstHeight; i++)
                    {
                        runningShift += x[(i * columns) + j] - reference;
                    }
                    runningShift /= firstHeight;
                }
                for (int top = chunkRows; top < rows; top += chunkRows)
                {
                    int height = Math.Min(chunkRows, rows - top);
                    double shiftedSum = 0, chunkSumSq = 0;
                    for (int i = top; i < top + height; i++)
                    {
                        shiftedSum += x[(i * columns) + j] - reference;
                    }
                    double chunkShift = shiftedSum / height, centre = reference + chunkShift;
                    for (int i = top; i < top + height; i++)
                    {
                        double d = x[(i * columns) + j] - centre;
                        chunkSumSq += d * d;
                    }
                    double n = top + height, delta = chunkShift - runningShift;
                    sumSq[j] += chunkSumSq + (delta * delta * ((double)top * height / n));
                    runningShift += delta * (height / n);
                }
                mean[j] = reference + runningShift;
                invStd[j] = 1.0 / Math.Sqrt((sumSq[j] / rows) + Eps);
                for (int i = 0; i < rows; i++)
                {
                    double xhat = (x[(i * columns) + j] - mean[j]) * invStd[j];
                    y[(i * columns) + j] = (xhat * gamma[j]) + beta[j];
                    dbeta[j] += dy[(i * columns) + j];
                    dgamma[j] += dy[(i * columns) + j] * xhat;
                }
                double scale = gamma[j] * invStd[j], meanDy = dbeta[j] / rows, meanDyXhat = dgamma[j] / rows;
                for (int i = 0; i < rows; i++)
                {
                    double xhat = (x[(i * columns) + j] - mean[j]) * invStd[j];
                    dx[(i * columns) + j] = scale * (dy[(i * columns) + j] - meanDy - (xhat * meanDyXhat));
                }
            }
            return new Results(mean, sumSq, invStd, y, dx, dgamma, dbeta, [], []);
        }
    }
}
