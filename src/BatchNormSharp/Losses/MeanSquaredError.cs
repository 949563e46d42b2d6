namespace BatchNormSharp;

/// <summary>
/// The mean squared error over every element, PyTorch's <c>nn.MSELoss()</c> (<c>reduction="mean"</c>):
/// <c>L = mean((x - t)²)</c>, <c>dL/dx = 2 (x - t) / count</c>.
/// </summary>
/// <remarks>
/// Predictions are <c>[batch]</c> or <c>[batch, outputs]</c>; targets have the same shape (<c>[batch]</c> and
/// <c>[batch, 1]</c> are taken for each other — PyTorch would broadcast them into a <c>[batch, batch]</c> difference
/// with only a warning). Targets must be finite; predictions are not scanned.
/// </remarks>
public sealed class MeanSquaredError : ILoss
{
    /// <summary><see cref="LossTask.Regression"/>: real-valued targets.</summary>
    public LossTask Task => LossTask.Regression;

    private Tensor? _difference;
    private Tensor? _gradient;
    private bool _hasForward;

    /// <summary>Computes the mean squared error and keeps <c>x - t</c> for <see cref="Backward"/>.</summary>
    /// <param name="predictions">The model's values, shape <c>[batch]</c> or <c>[batch, outputs]</c>.</param>
    /// <param name="targets">The true values, of the predictions' shape.</param>
    /// <returns><c>mean((x - t)²)</c> over every element.</returns>
    /// <exception cref="ArgumentException">A shape is wrong or a target is NaN or infinite. Nothing is changed.</exception>
    public double Forward(Tensor predictions, Tensor targets)
    {
        const string Name = nameof(MeanSquaredError);
        LossTargets.Predictions(predictions, Name, nameof(predictions));
        LossTargets.SameShape(predictions, targets, Name, nameof(targets));
        ReadOnlySpan<double> t = targets.AsReadOnlySpan();
        LossTargets.Finite(t, Name, nameof(targets));

        var difference = Tensor.Reuse(_difference, predictions.Shape);
        double total = SquaredErrorFunctions.Difference(predictions.AsReadOnlySpan(), t, difference.AsSpan());
        _difference = difference;
        _hasForward = true;
        return total / predictions.Length;
    }

    /// <summary>dL/d(predictions) = <c>2 (x - t) / count</c>.</summary>
    /// <returns>The gradient, of the predictions' shape; valid until the next backward call.</returns>
    /// <exception cref="InvalidOperationException">No forward pass to go back through.</exception>
    public Tensor Backward()
    {
        if (!_hasForward || _difference is null)
        {
            throw new InvalidOperationException(
                "MeanSquaredError.Backward was called without a forward pass to go back through: call " +
                "Forward(predictions, targets) first, then Backward once.");
        }
        var gradient = Tensor.Reuse(_gradient, _difference.Shape);
        SquaredErrorFunctions.Gradient(_difference.AsReadOnlySpan(), gradient.AsSpan());
        _gradient = gradient;
        _hasForward = false;
        return gradient;
    }
}
