using System.Text.Json;

namespace BatchNormSharp.Tests;

/// <summary>
/// <c>optimizer_*_trajectory.json</c> (<c>Reference/gen_mlp_trajectory.py optimizers</c>): Dense(4,10) → BatchNorm(10)
/// → ReLU → Dense(10,3) → softmax cross-entropy, trained by one <c>torch.optim</c> optimizer. Parameters and optimizer
/// state are <c>W[in][out]</c>, as in <see cref="Dense"/>; names are the generator's (<c>W1, b1, gamma1, beta1, W2,
/// b2</c>).
/// </summary>
internal sealed class OptimizerTrajectory
{
    /// <summary>The generator's parameter names, in the model's parameter order.</summary>
    public static readonly string[] ParameterNames = ["W1", "b1", "gamma1", "beta1", "W2", "b2"];

    /// <summary>PyTorch's class name: <c>Adam</c>, <c>AdamW</c> or <c>SGD</c>.</summary>
    public string Optimizer { get; init; } = "";

    public Dictionary<string, JsonElement> Hyper { get; init; } = [];

    /// <summary><c>cross_entropy</c> (3 classes) or <c>bce_with_logits</c> (one logit, 0/1 labels).</summary>
    public string Loss { get; init; } = "cross_entropy";

    /// <summary>The binary loss's positive-class weight, or <see langword="null"/>.</summary>
    public double? PosWeight { get; init; }

    /// <summary>The parameters the optimizer trains (every one but <c>b1</c>; see the generator's docstring).</summary>
    public string[] Trained { get; init; } = [];

    public double BnEps { get; init; }

    public double BnMomentum { get; init; }

    public Dictionary<string, JsonElement> Init { get; init; } = [];

    public MlpBatch[] Batches { get; init; } = [];

    public double[] Losses { get; init; } = [];

    public Dictionary<string, JsonElement> Final { get; init; } = [];

    public TrajectoryRunning Running { get; init; } = new();

    /// <summary>Per parameter name, its state tensors by PyTorch's name; and <c>step</c> for Adam and AdamW.</summary>
    public Dictionary<string, JsonElement> State { get; init; } = [];

    /// <summary>The values of a tensor given as a JSON vector or matrix, flattened row-major.</summary>
    public static double[] Flatten(JsonElement element) => element.ValueKind == JsonValueKind.Array &&
        element.GetArrayLength() > 0 && element[0].ValueKind == JsonValueKind.Array
        ? [.. element.EnumerateArray().SelectMany(row => row.EnumerateArray().Select(x => x.GetDouble()))]
        : [.. element.EnumerateArray().Select(x => x.GetDouble())];

    /// <summary>A JSON matrix as rows.</summary>
    public static double[][] Rows(JsonElement element) =>
        [.. element.EnumerateArray().Select(row => row.EnumerateArray().Select(x => x.GetDouble()).ToArray())];

    public double HyperDouble(string name, double fallback) =>
        Hyper.TryGetValue(name, out var value) ? value.GetDouble() : fallback;

    public bool HyperBool(string name) => Hyper.TryGetValue(name, out var value) && value.GetBoolean();
}

/// <summary>The BatchNorm's running statistics after training.</summary>
internal sealed class TrajectoryRunning
{
    public double[] Mean { get; init; } = [];

    public double[] Var { get; init; } = [];

    public long NumBatchesTracked { get; init; }
}
