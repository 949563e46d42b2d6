namespace BatchNormSharp.Tests;

/// <summary>
/// <c>mlp_sgd_momentum_trajectory.json</c>: Dense(4,10) → BatchNorm(10) → ReLU → Dense(10,3) → BatchNorm(3) →
/// softmax cross-entropy, trained by PyTorch's SGD with momentum for one step per batch. Weights are
/// <c>W[in][out]</c>, as in <see cref="Dense"/>.
/// </summary>
internal sealed class MlpTrajectory
{
    public double Lr { get; init; }

    public double Momentum { get; init; }

    public double BnEps { get; init; }

    public double BnMomentum { get; init; }

    public MlpParameters Init { get; init; } = new();

    public MlpBatch[] Batches { get; init; } = [];

    public double[] Losses { get; init; } = [];

    public MlpParameters Final { get; init; } = new();

    public MlpRunningStatistics Running { get; init; } = new();

    public double[][] XEval { get; init; } = [];

    public double[][] ProbsEval { get; init; } = [];
}

/// <summary>The network's parameters, in the file's names.</summary>
internal sealed class MlpParameters
{
    public double[][] W1 { get; init; } = [];

    public double[] B1 { get; init; } = [];

    public double[] Gamma1 { get; init; } = [];

    public double[] Beta1 { get; init; } = [];

    public double[][] W2 { get; init; } = [];

    public double[] B2 { get; init; } = [];

    public double[] Gamma2 { get; init; } = [];

    public double[] Beta2 { get; init; } = [];
}

/// <summary>One training batch.</summary>
internal sealed class MlpBatch
{
    public double[][] X { get; init; } = [];

    public int[] Labels { get; init; } = [];
}

/// <summary>The running statistics of the two BatchNorm layers after training.</summary>
internal sealed class MlpRunningStatistics
{
    public double[] Mean1 { get; init; } = [];

    public double[] Var1 { get; init; } = [];

    public double[] Mean2 { get; init; } = [];

    public double[] Var2 { get; init; } = [];
}
