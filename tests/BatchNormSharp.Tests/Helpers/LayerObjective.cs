namespace BatchNormSharp.Tests;

/// <summary>
/// <c>L = Σ (layer(x) ⊙ g)</c> for a fixed random upstream gradient <c>g</c>, so that <c>dL/d(output) = g</c>.
/// </summary>
/// <remarks>
/// A random <c>g</c> matters: with <c>g = 1</c> BatchNorm's dx is identically zero (its output sums to a constant
/// per feature), and a check against zero cannot fail. <c>g</c> is drawn from a seed the first time the output's
/// shape is known.
/// </remarks>
internal sealed class LayerObjective : IObjective
{
    private readonly Layer _layer;
    private readonly ForwardMode _mode;
    private readonly int _upstreamSeed;
    private Tensor? _upstream;

    public LayerObjective(Layer layer, ForwardMode mode, int upstreamSeed)
    {
        _layer = layer;
        _mode = mode;
        _upstreamSeed = upstreamSeed;
        Parameters = [.. layer.Parameters.Select(p => (p.Name, p))];
    }

    public IReadOnlyList<(string Name, Parameter Parameter)> Parameters { get; }

    public IReadOnlyList<StateBuffer> Buffers => _layer.Buffers;

    /// <summary>The upstream gradient g (drawn on first use).</summary>
    public Tensor Upstream => _upstream ?? throw new InvalidOperationException("No forward pass has run yet.");

    public ObjectiveValue Evaluate(Tensor input)
    {
        var output = _layer.Forward(input, _mode);
        ReadOnlySpan<double> y = output.AsReadOnlySpan();
        ReadOnlySpan<double> g = UpstreamFor(output).AsReadOnlySpan();
        double value = 0.0, magnitude = 0.0;
        for (int i = 0; i < y.Length; i++)
        {
            value += y[i] * g[i];
            magnitude += Math.Abs(y[i] * g[i]);
        }
        return new ObjectiveValue(value, magnitude);
    }

    public Tensor Differentiate(Tensor input)
    {
        var output = _layer.Forward(input, _mode);
        return _layer.Backward(UpstreamFor(output)).Clone();
    }

    private Tensor UpstreamFor(Tensor output)
    {
        _upstream ??= output.Rank == 2
            ? TestData.Normal(output.Shape[0], output.Shape[1], _upstreamSeed)
            : TestData.NormalShaped(output.Shape.ToArray(), _upstreamSeed);
        return _upstream;
    }
}
