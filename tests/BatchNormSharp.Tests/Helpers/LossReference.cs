using System.Text.Json;

namespace BatchNormSharp.Tests;

/// <summary><c>loss_vectors.json</c> (<c>Reference/gen_loss_vectors.py</c>): PyTorch's values and gradients of the losses.</summary>
internal sealed class LossReference
{
    public Dictionary<string, LossCase> Cases { get; init; } = [];
}

/// <summary>One loss evaluated by PyTorch: predictions, targets, the mean loss and dL/d(predictions).</summary>
internal sealed class LossCase
{
    /// <summary><c>cross_entropy</c>, <c>bce_with_logits</c> or <c>mse</c>.</summary>
    public string Kind { get; init; } = "";

    public double? PosWeight { get; init; }

    public int[] Shape { get; init; } = [];

    public JsonElement Predictions { get; init; }

    public JsonElement Targets { get; init; }

    public double Loss { get; init; }

    public JsonElement Grad { get; init; }

    public Tensor PredictionTensor() => Tensor.FromSpan(OptimizerTrajectory.Flatten(Predictions), Shape);

    /// <summary>The targets in the predictions' shape (class indices: one per row).</summary>
    public Tensor TargetTensor()
    {
        double[] values = OptimizerTrajectory.Flatten(Targets);
        return Kind == "cross_entropy" ? Tensor.FromArray(values) : Tensor.FromSpan(values, Shape);
    }

    public double[] GradValues() => OptimizerTrajectory.Flatten(Grad);

    public ILoss CreateLoss() => Kind switch
    {
        "cross_entropy" => new SoftmaxCrossEntropy(),
        "bce_with_logits" => new BinaryCrossEntropyWithLogits(PosWeight),
        "mse" => new MeanSquaredError(),
        _ => throw new InvalidDataException($"Unknown loss kind {Kind}."),
    };
}
