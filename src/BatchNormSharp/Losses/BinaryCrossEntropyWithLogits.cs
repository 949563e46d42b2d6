namespace BatchNormSharp;

/// <summary>
/// Binary cross-entropy computed from logits (a sigmoid and the cross-entropy fused), averaged over every element:
/// PyTorch's <c>nn.BCEWithLogitsLoss(pos_weight=...)</c> with <c>reduction="mean"</c>.
/// </summary>
/// <remarks>
/// <para>The loss of an element is <c>-[w·t·log σ(x) + (1 - t)·log(1 - σ(x))]</c>, with <c>w</c> the positive-class
/// weight (1 without one), computed as <c>(1 - t)·x + w·(log(e^-m + e^(-x-m)) + m)</c>, <c>m = max(-x, 0)</c>: no
/// exponential of a positive number, so logits of ±800 give finite, exact losses and gradients. The gradient is
/// <c>(σ(x) - t) / count</c>, or <c>((w·t + 1 - t)·σ(x) - w·t) / count</c> with a weight.</para>
/// <para>Predictions are logits of shape <c>[batch, 1]</c> or <c>[batch]</c> (or <c>[batch, outputs]</c> for several
/// independent binary outputs); targets have the same shape (<c>[batch]</c> and <c>[batch, 1]</c> are taken for each
/// other) and hold 0 or 1, or a probability in between as PyTorch allows. Put no sigmoid layer before this loss: it
/// applies the sigmoid itself; for probabilities at inference apply one to the logits.</para>
/// <para><c>posWeight</c> &gt; 1 counts each positive example that many times (PyTorch's advice for a class ratio of
/// <c>n_negative / n_positive</c>); it is the same for every output.</para>
/// <para>Logits are not scanned: a NaN logit gives a NaN loss, as in PyTorch.</para>
/// </remarks>
public sealed class BinaryCrossEntropyWithLogits : ILoss
{
    /// <summary><see cref="LossTask.Binary"/>: logits, 0/1 targets.</summary>
    public LossTask Task => LossTask.Binary;

    private Tensor? _sigmoid;
    private Tensor? _targets;
    private Tensor? _gradient;
    private bool _hasForward;

    /// <summary>Creates the loss.</summary>
    /// <param name="posWeight">The weight of the positive class, PyTorch's <c>pos_weight</c>: finite and 0 or more;
    /// <see langword="null"/> (the default) is no weighting.</param>
    /// <exception cref="ArgumentOutOfRangeException">The weight is negative, infinite or NaN.</exception>
    public BinaryCrossEntropyWithLogits(double? posWeight = null)
    {
        if (posWeight is double weight && !(weight >= 0.0 && double.IsFinite(weight)))
        {
            throw new ArgumentOutOfRangeException(nameof(posWeight), posWeight,
                $"posWeight must be a finite number of 0 or more (e.g. n_negative / n_positive), but was " +
                $"{LossTargets.Format(weight)}.");
        }
        PosWeight = posWeight;
    }

    /// <summary>The weight of the positive class, or <see langword="null"/> for none.</summary>
    public double? PosWeight { get; }

    /// <summary>Computes the mean loss and keeps σ(x) and the targets for <see cref="Backward"/>.</summary>
    /// <param name="predictions">Logits, shape <c>[batch, 1]</c>, <c>[batch]</c> or <c>[batch, outputs]</c>.</param>
    /// <param name="targets">0/1 labels (or probabilities in [0, 1]) of the predictions' shape.</param>
    /// <returns>The loss averaged over every element.</returns>
    /// <exception cref="ArgumentException">A shape is wrong, or a target is NaN or outside [0, 1]. Nothing is
    /// changed.</exception>
    public double Forward(Tensor predictions, Tensor targets)
    {
        const string Name = nameof(BinaryCrossEntropyWithLogits);
        LossTargets.Predictions(predictions, Name, nameof(predictions));
        LossTargets.SameShape(predictions, targets, Name, nameof(targets));
        ReadOnlySpan<double> t = targets.AsReadOnlySpan();
        LossTargets.Finite(t, Name, nameof(targets));
        RequireProbabilities(t, nameof(targets));

        var sigmoid = Tensor.Reuse(_sigmoid, predictions.Shape);
        var keptTargets = Tensor.Reuse(_targets, predictions.Shape);
        ReadOnlySpan<double> x = predictions.AsReadOnlySpan();
        double total = BinaryCrossEntropyFunctions.Sum(x, t, PosWeight);
        ActivationFunctions.Sigmoid(x, sigmoid.AsSpan());
        t.CopyTo(keptTargets.AsSpan());
        _sigmoid = sigmoid;
        _targets = keptTargets;
        _hasForward = true;
        return total / x.Length;
    }

    /// <summary>dL/d(logits) of the last forward pass.</summary>
    /// <returns>The gradient, of the predictions' shape; valid until the next backward call.</returns>
    /// <exception cref="InvalidOperationException">No forward pass to go back through.</exception>
    public Tensor Backward()
    {
        if (!_hasForward || _sigmoid is null || _targets is null)
        {
            throw new InvalidOperationException(
                "BinaryCrossEntropyWithLogits.Backward was called without a forward pass to go back through: call " +
                "Forward(predictions, targets) first, then Backward once.");
        }
        var gradient = Tensor.Reuse(_gradient, _sigmoid.Shape);
        BinaryCrossEntropyFunctions.Gradient(_sigmoid.AsReadOnlySpan(), _targets.AsReadOnlySpan(), PosWeight, _sigmoid.Length,
            gradient.AsSpan());
        _gradient = gradient;
        _hasForward = false;
        return gradient;
    }

    private static void RequireProbabilities(ReadOnlySpan<double> targets, string parameterName)
    {
        bool minusOneOrOne = true;
        foreach (double t in targets)
        {
            minusOneOrOne &= t is -1.0 or 1.0;
        }
        for (int i = 0; i < targets.Length; i++)
        {
            if (targets[i] is < 0.0 or > 1.0)
            {
                throw new ArgumentException(
                    $"BinaryCrossEntropyWithLogits expects targets of 0 or 1 (or a probability in between), but target " +
                    $"{LossTargets.Index(i)} is {LossTargets.Format(targets[i])}." +
                    (minusOneOrOne ? " The targets are -1 and 1: map -1 to 0." : " Map the two classes to 0 and 1."),
                    parameterName);
            }
        }
    }
}
