namespace BatchNormSharp.Tests;

/// <summary>
/// <c>L = s · loss(x, t)</c> for a fixed random scale <c>s</c>: a loss as an <see cref="IObjective"/> of its
/// predictions, so that <see cref="GradientChecker"/> checks <see cref="ILoss.Backward"/> (scaled by <c>s</c>, the
/// upstream gradient of a scalar).
/// </summary>
internal sealed class LossObjective(ILoss loss, Tensor targets, double scale) : IObjective
{
    public IReadOnlyList<(string Name, Parameter Parameter)> Parameters { get; } = [];

    public IReadOnlyList<StateBuffer> Buffers { get; } = [];

    public ObjectiveValue Evaluate(Tensor input)
    {
        double value = scale * loss.Forward(input, targets);
        // Every per-element loss is 0 or more, so the sum of the terms' magnitudes is the value itself.
        return new ObjectiveValue(value, Math.Abs(value));
    }

    public Tensor Differentiate(Tensor input)
    {
        loss.Forward(input, targets);
        var gradient = loss.Backward().Clone();
        foreach (ref double g in gradient.AsSpan())
        {
            g *= scale;
        }
        return gradient;
    }
}
