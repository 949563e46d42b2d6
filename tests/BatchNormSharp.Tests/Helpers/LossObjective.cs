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
        // The terms are the per-element losses, each about |x| in size before cancelling: bound the rounding by that.
        double magnitude = Math.Abs(value) + (Math.Abs(scale) * input.AsReadOnlySpan().ToArray().Average(Math.Abs));
        return new ObjectiveValue(value, magnitude);
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
