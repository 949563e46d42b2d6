namespace BatchNormSharp.Tests;

/// <summary>
/// One <c>batchnorm1d_*.json</c> case: PyTorch's <c>BatchNorm1d</c> in float64, fed the history batches and then
/// <c>x</c> in training mode, and <c>x_eval</c> in eval mode (see <c>Reference/README.md</c>). Matrices are lists of
/// rows. Cases without affine parameters or without running statistics hold null there.
/// </summary>
internal sealed class BatchNormCase
{
    public string Name { get; init; } = "";

    public int N { get; init; }

    public int D { get; init; }

    public double Eps { get; init; }

    /// <summary>The weight of the new batch, or null for the cumulative average.</summary>
    public double? Momentum { get; init; }

    /// <summary>Absent in the original files, which are all affine.</summary>
    public bool Affine { get; init; } = true;

    /// <summary>Absent in the original files, which all track running statistics.</summary>
    public bool TrackRunningStats { get; init; } = true;

    public double[]? Gamma { get; init; }

    public double[]? Beta { get; init; }

    public double[]? RunningMeanIn { get; init; }

    public double[]? RunningVarIn { get; init; }

    public double[][][] HistoryBatches { get; init; } = [];

    public double[][] X { get; init; } = [];

    public double[][] Dy { get; init; } = [];

    public double[][] YTrain { get; init; } = [];

    public double[][] Dx { get; init; } = [];

    public double[]? Dgamma { get; init; }

    public double[]? Dbeta { get; init; }

    public double[]? RunningMeanOut { get; init; }

    public double[]? RunningVarOut { get; init; }

    public long? NumBatchesTracked { get; init; }

    public double[][] XEval { get; init; } = [];

    public double[][] YEval { get; init; } = [];

    public double[][] DyEval { get; init; } = [];

    public double[][] DxEval { get; init; } = [];

    public double[]? DgammaEval { get; init; }

    public double[]? DbetaEval { get; init; }
}
