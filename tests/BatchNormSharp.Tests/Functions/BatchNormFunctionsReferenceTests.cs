
namespace BatchNormSharp.Tests.Functions;

/// <summary>
/// The BatchNorm functions, called directly as a layer would, against PyTorch's <c>BatchNorm1d</c> in float64: the
/// <c>[N, C, L]</c> cases of <c>Reference/rank3_batchnorm1d_*.json</c> and every <c>[N, D]</c> case of
/// <c>Reference/batchnorm1d_*.json</c>, each quantity within 1e-10.
/// </summary>
public class BatchNormFunctionsReferenceTests(ITestOutputHelper output)
{
    public static TheoryData<string> Rank3Cases => [.. Rank3Files()];

    public static TheoryData<string> Rank2Cases => [.. ReferenceFiles.BatchNormCases()];

    [Fact]
    public void ReferenceFolder_HoldsRank3CasesWithABatchOfOne()
    {
        Rank3Files().Should().Contain("rank3_batchnorm1d_n1_4x7.json").And
            .HaveCountGreaterThanOrEqualTo(6);
    }

    private static List<string> Rank3Files() =>
        [.. Directory.GetFiles(ReferenceFiles.Folder, "rank3_batchnorm1d_*.json").Select(f => Path.GetFileName(f))
            .Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Rank3Cases))]
    public void Functions_Rank3Case_MatchPyTorch(string fileName)
    {
        var r = ReferenceFiles.Load<Rank3Case>(fileName);
        var run = new Run(new BatchNormShape(r.N, r.C, r.L), r.Gamma, r.Beta, r.RunningMeanIn, r.RunningVarIn,
            r.Eps, r.Momentum, affine: true, track: true);
        foreach (var batch in r.HistoryBatches)
        {
            run.Train(batch);
        }
        var table = new DeviationTable(Path.GetFileNameWithoutExtension(fileName));
        run.Compare(table, r.X, r.Dy, r.YTrain, r.Dx, r.Dgamma, r.Dbeta, r.RunningMeanOut, r.RunningVarOut,
            r.NumBatchesTracked);
        run.CompareEval(table, r.XEval, r.DyEval, r.YEval, r.DxEval, r.DgammaEval, r.DbetaEval);

        table.WriteTo(output);
        table.ShouldAllBeWithin();
    }

    [Theory]
    [MemberData(nameof(Rank2Cases))]
    public void Functions_Rank2Case_MatchPyTorch(string fileName)
    {
        var r = ReferenceFiles.Load<BatchNormCase>(fileName);
        static double[] Flat(double[][] rows) => [.. rows.SelectMany(row => row)];
        var run = new Run(new BatchNormShape(r.N, r.D), r.Gamma, r.Beta, r.RunningMeanIn, r.RunningVarIn, r.Eps,
            r.Momentum, r.Affine, r.TrackRunningStats);
        foreach (var batch in r.HistoryBatches)
        {
            run.Train(Flat(batch));
        }
        var table = new DeviationTable(Path.GetFileNameWithoutExtension(fileName));
        run.Compare(table, Flat(r.X), Flat(r.Dy), Flat(r.YTrain), Flat(r.Dx), r.Dgamma, r.Dbeta, r.RunningMeanOut,
            r.RunningVarOut, r.NumBatchesTracked ?? 0);
        if (r.XEval.Length > 0 && r.TrackRunningStats)
        {
            run.CompareEval(table, Flat(r.XEval), Flat(r.DyEval), Flat(r.YEval), Flat(r.DxEval), r.DgammaEval,
                r.DbetaEval);
        }

        table.WriteTo(output);
        table.ShouldAllBeWithin();
    }

    /// <summary>A layer's worth of state, driven through the functions as a layer would.</summary>
    private sealed class Run
    {
        private readonly BatchNormShape _shape;
        private readonly double[] _gamma;
        private readonly double[] _beta;
        private readonly double[]? _runningMean;
        private readonly double[]? _runningVar;
        private readonly double _eps;
        private readonly double? _momentum;
        private readonly bool _affine;
        private readonly BatchNormCache _cache;
        private long _batches;

        public Run(BatchNormShape shape, double[]? gamma, double[]? beta, double[]? runningMean, double[]? runningVar,
            double eps, double? momentum, bool affine, bool track)
        {
            _shape = shape;
            int c = shape.Features;
            _gamma = gamma is null ? [.. Enumerable.Repeat(1.0, c)] : (double[])gamma.Clone();
            _beta = beta is null ? new double[c] : (double[])beta.Clone();
            _runningMean = track ? (double[])runningMean!.Clone() : null;
            _runningVar = track ? (double[])runningVar!.Clone() : null;
            _eps = eps;
            _momentum = momentum;
            _affine = affine;
            _cache = new BatchNormCache(c);
        }

        /// <summary>A training forward pass on a batch of any size with this run's C and L.</summary>
        public double[] Train(double[] x)
        {
            var shape = new BatchNormShape(x.Length / (_shape.Features * _shape.Length), _shape.Features,
                _shape.Length);
            var y = new double[x.Length];
            BatchNormFunctions.TrainingForward(x, shape, _gamma, _beta, _eps, _cache, y).Should().Be(-1);
            if (_runningMean is not null)
            {
                _batches++;
                double factor = _momentum ?? 1.0 / _batches;
                BatchNormFunctions.UpdateRunningStatistics(_cache, factor, unbiased: true, _runningMean,
                    _runningVar!);
            }
            return y;
        }

        public void Compare(DeviationTable table, double[] x, double[] dy, double[] y, double[] dx, double[]? dgamma,
            double[]? dbeta, double[]? runningMean, double[]? runningVar, long batches)
        {
            var shape = new BatchNormShape(x.Length / (_shape.Features * _shape.Length), _shape.Features,
                _shape.Length);
            table.Add("y_train", PerFeature(Train(x), y, shape));
            var (actualDx, actualDgamma, actualDbeta) = Backward(dy, x, shape);
            table.Add("dx", PerFeature(actualDx, dx, shape));
            if (_affine)
            {
                table.Add("dgamma", Deviation.OfVector(actualDgamma, dgamma!));
                table.Add("dbeta", Deviation.OfVector(actualDbeta, dbeta!));
            }
            if (_runningMean is not null)
            {
                table.Add("running_mean", Deviation.OfVector(_runningMean, runningMean!));
                table.Add("running_var", Deviation.OfVector(_runningVar!, runningVar!));
                _batches.Should().Be(batches);
            }
        }

        public void CompareEval(DeviationTable table, double[] x, double[] dy, double[] y, double[] dx,
            double[]? dgamma, double[]? dbeta)
        {
            var shape = new BatchNormShape(x.Length / (_shape.Features * _shape.Length), _shape.Features,
                _shape.Length);
            var stateless = new double[x.Length];
            BatchNormFunctions.InferenceForward(x, shape, _runningMean!, _runningVar!, _gamma, _beta, _eps, stateless);
            var frozen = new double[x.Length];
            BatchNormFunctions.FrozenForward(x, shape, _runningMean!, _runningVar!, _gamma, _beta, _eps, _cache,
                frozen);
            frozen.Should().Equal(stateless, "both inference paths compute the same bits");
            table.Add("y_eval", PerFeature(stateless, y, shape));
            var (actualDx, actualDgamma, actualDbeta) = Backward(dy, x, shape);
            table.Add("dx_eval", PerFeature(actualDx, dx, shape));
            if (_affine)
            {
                table.Add("dgamma_eval", Deviation.OfVector(actualDgamma, dgamma!));
                table.Add("dbeta_eval", Deviation.OfVector(actualDbeta, dbeta!));
            }
        }

        private (double[] Dx, double[] Dgamma, double[] Dbeta) Backward(double[] dy, double[] x, BatchNormShape shape)
        {
            var dx = new double[x.Length];
            var dgamma = new double[shape.Features];
            var dbeta = new double[shape.Features];
            BatchNormFunctions.Backward(dy, x, shape, _gamma, _cache, dx, dgamma, dbeta);
            return (dx, dgamma, dbeta);
        }
    }

    /// <summary>
    /// The deviation of an <c>[N, C, L]</c> batch: each value against the largest reference magnitude of its feature
    /// (as <see cref="Deviation.OfMatrix"/> does column by column for <c>[N, D]</c>).
    /// </summary>
    private static double PerFeature(double[] actual, double[] reference, BatchNormShape shape)
    {
        actual.Length.Should().Be(reference.Length);
        double worst = 0;
        for (int c = 0; c < shape.Features; c++)
        {
            var indices = Enumerable.Range(0, shape.Batch)
                .SelectMany(n => Enumerable.Range(((n * shape.Features) + c) * shape.Length, shape.Length)).ToList();
            double scale = indices.Max(i => Math.Abs(reference[i]));
            foreach (int i in indices)
            {
                double difference = Math.Abs(actual[i] - reference[i]);
                double deviation = scale == 0 ? (difference == 0 ? 0 : double.PositiveInfinity)
                    : double.IsNaN(difference) ? double.PositiveInfinity : difference / scale;
                worst = Math.Max(worst, deviation);
            }
        }
        return worst;
    }

    /// <summary>One <c>rank3_batchnorm1d_*.json</c> case (see <c>Reference/README.md</c>); tensors flat, row-major.</summary>
    internal sealed class Rank3Case
    {
        public int N { get; init; }

        public int C { get; init; }

        public int L { get; init; }

        public double Eps { get; init; }

        public double? Momentum { get; init; }

        public double[] Gamma { get; init; } = [];

        public double[] Beta { get; init; } = [];

        public double[] RunningMeanIn { get; init; } = [];

        public double[] RunningVarIn { get; init; } = [];

        public double[][] HistoryBatches { get; init; } = [];

        public double[] X { get; init; } = [];

        public double[] Dy { get; init; } = [];

        public double[] YTrain { get; init; } = [];

        public double[] Dx { get; init; } = [];

        public double[] Dgamma { get; init; } = [];

        public double[] Dbeta { get; init; } = [];

        public double[] RunningMeanOut { get; init; } = [];

        public double[] RunningVarOut { get; init; } = [];

        public long NumBatchesTracked { get; init; }

        public double[] XEval { get; init; } = [];

        public double[] DyEval { get; init; } = [];

        public double[] YEval { get; init; } = [];

        public double[] DxEval { get; init; } = [];

        public double[] DgammaEval { get; init; } = [];

        public double[] DbetaEval { get; init; } = [];
    }
}
