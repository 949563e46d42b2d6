namespace BatchNormSharp.Kernels;

/// <summary>
/// Batch normalisation of a whole row-major batch <c>[rows, columns]</c> (samples × features), the entry points the
/// <see cref="BatchNorm"/> layer calls. Each splits its batch into ranges of columns (features), shared between the
/// calling thread and helper threads when the batch is large (<see cref="ColumnParallel"/>), and runs the tiled passes
/// of <see cref="BatchNormTiles"/> on each range. Statistics are per column and every column is computed whole by one
/// thread in row order, so results are bit-identical whatever the number of threads.
/// </summary>
/// <remarks>Memory rather than spans, because the ranges are handed to other threads. Allocation-free.</remarks>
internal static class BatchNormKernels
{
    /// <summary>
    /// The batch statistics of each column, two-pass: <c>mean = Σx / N</c>, then
    /// <c>sumSq = Σ(x - mean)²</c> and <c>invStd = 1 / √(sumSq / N + eps)</c> (biased variance, as used to normalise).
    /// </summary>
    public static void Statistics(
        ReadOnlyMemory<double> x, int rows, int columns, double eps,
        Memory<double> mean, Memory<double> sumSquaredDeviations, Memory<double> invStd)
    {
        var work = new StatisticsWork(x, rows, columns, eps, mean, sumSquaredDeviations, invStd);
        ColumnParallel.For(ref work, columns, BatchBytes(rows, columns));
    }

    /// <summary><c>y = (x - mean) · invStd · gamma + beta</c>, column-wise (see <see cref="BatchNormTiles.Normalize"/>).</summary>
    public static void Normalize(
        ReadOnlyMemory<double> x, int rows, int columns,
        ReadOnlyMemory<double> mean, ReadOnlyMemory<double> invStd, ReadOnlyMemory<double> gamma,
        ReadOnlyMemory<double> beta, Memory<double> y)
    {
        var work = new NormalizeWork(x, rows, columns, mean, invStd, gamma, beta, y);
        ColumnParallel.For(ref work, columns, BatchBytes(rows, columns));
    }

    /// <summary>
    /// <c>sumDy = Σ dy</c> (= dβ) and <c>sumDyXhat = Σ dy · xhat</c> (= dγ) per column, with xhat recomputed from the
    /// forward pass's input, mean and invStd (see <see cref="BatchNormTiles.GradientSums"/>).
    /// </summary>
    public static void GradientSums(
        ReadOnlyMemory<double> dy, ReadOnlyMemory<double> x, int rows, int columns,
        ReadOnlyMemory<double> mean, ReadOnlyMemory<double> invStd, Memory<double> sumDy, Memory<double> sumDyXhat)
    {
        var work = new GradientSumsWork(dy, x, rows, columns, mean, invStd, sumDy, sumDyXhat);
        ColumnParallel.For(ref work, columns, BatchBytes(rows, columns));
    }

    /// <summary>
    /// The training-mode input gradient <c>dx = scale · (dy - meanDy - xhat · meanDyXhat)</c>, column-wise (see
    /// <see cref="BatchNormTiles.TrainingInputGradient"/>).
    /// </summary>
    public static void TrainingInputGradient(
        ReadOnlyMemory<double> dy, ReadOnlyMemory<double> x, int rows, int columns,
        ReadOnlyMemory<double> mean, ReadOnlyMemory<double> invStd, ReadOnlyMemory<double> scale,
        ReadOnlyMemory<double> meanDy, ReadOnlyMemory<double> meanDyXhat, Memory<double> dx)
    {
        var work = new InputGradientWork(dy, x, rows, columns, mean, invStd, scale, meanDy, meanDyXhat, dx);
        ColumnParallel.For(ref work, columns, BatchBytes(rows, columns));
    }

    private static long BatchBytes(int rows, int columns) => (long)rows * columns * sizeof(double);

    private readonly record struct StatisticsWork(
        ReadOnlyMemory<double> X, int Rows, int Columns, double Eps,
        Memory<double> Mean, Memory<double> SumSquaredDeviations, Memory<double> InvStd) : IColumnWork
    {
        public void Run(int firstColumn, int endColumn)
        {
            ReadOnlySpan<double> x = X.Span;
            Span<double> mean = Mean.Span, sumSq = SumSquaredDeviations.Span, invStd = InvStd.Span;
            BatchNormTiles.ColumnSums(x, Rows, Columns, firstColumn, endColumn, mean);
            BatchNormTiles.DivideInPlace(mean[firstColumn..endColumn], Rows);
            BatchNormTiles.ColumnSquaredDeviations(x, Rows, Columns, firstColumn, endColumn, mean, sumSq);
            BatchNormTiles.InverseStandardDeviations(sumSq[firstColumn..endColumn], Rows, Eps,
                invStd[firstColumn..endColumn]);
        }
    }

    private readonly record struct NormalizeWork(
        ReadOnlyMemory<double> X, int Rows, int Columns, ReadOnlyMemory<double> Mean, ReadOnlyMemory<double> InvStd,
        ReadOnlyMemory<double> Gamma, ReadOnlyMemory<double> Beta, Memory<double> Y) : IColumnWork
    {
        public void Run(int firstColumn, int endColumn) =>
            BatchNormTiles.Normalize(X.Span, Rows, Columns, firstColumn, endColumn, Mean.Span, InvStd.Span,
                Gamma.Span, Beta.Span, Y.Span);
    }

    private readonly record struct GradientSumsWork(
        ReadOnlyMemory<double> Dy, ReadOnlyMemory<double> X, int Rows, int Columns, ReadOnlyMemory<double> Mean,
        ReadOnlyMemory<double> InvStd, Memory<double> SumDy, Memory<double> SumDyXhat) : IColumnWork
    {
        public void Run(int firstColumn, int endColumn) =>
            BatchNormTiles.GradientSums(Dy.Span, X.Span, Rows, Columns, firstColumn, endColumn, Mean.Span,
                InvStd.Span, SumDy.Span, SumDyXhat.Span);
    }

    private readonly record struct InputGradientWork(
        ReadOnlyMemory<double> Dy, ReadOnlyMemory<double> X, int Rows, int Columns, ReadOnlyMemory<double> Mean,
        ReadOnlyMemory<double> InvStd, ReadOnlyMemory<double> Scale, ReadOnlyMemory<double> MeanDy,
        ReadOnlyMemory<double> MeanDyXhat, Memory<double> Dx) : IColumnWork
    {
        public void Run(int firstColumn, int endColumn) =>
            BatchNormTiles.TrainingInputGradient(Dy.Span, X.Span, Rows, Columns, firstColumn, endColumn, Mean.Span,
                InvStd.Span, Scale.Span, MeanDy.Span, MeanDyXhat.Span, Dx.Span);
    }
}
