using System.Globalization;
using BatchNormSharp.Kernels;

namespace BatchNormSharp;

/// <summary>
/// Stochastic gradient descent with momentum, equal to PyTorch's <c>torch.optim.SGD</c> (dampening 0):
/// <c>g = ∇p + weightDecay · p</c>; <c>v = momentum · v + g</c>; <c>p -= lr · v</c> (with Nesterov,
/// <c>p -= lr · (g + momentum · v)</c>). The first step sets <c>v = g</c>.
/// </summary>
/// <remarks>Only parameters are updated; buffers such as running statistics are the layers' business.</remarks>
public sealed class SgdMomentum
{
    private readonly Parameter[] _parameters;
    private readonly Tensor[] _velocities;
    private double _learningRate;

    /// <summary>Creates the optimizer over <paramref name="parameters"/>, with a zero velocity for each.</summary>
    /// <param name="parameters">The parameters to update, e.g. every layer's <see cref="Layer.Parameters"/>.</param>
    /// <param name="learningRate">The step size, 0 or more.</param>
    /// <param name="momentum">The momentum factor, in [0, 1]; 0 is plain SGD.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient, 0 or more.</param>
    /// <param name="nesterov">Use Nesterov momentum (needs a momentum greater than 0).</param>
    /// <exception cref="ArgumentException">A parameter is null or listed twice, or a hyper-parameter is out of range.</exception>
    public SgdMomentum(IEnumerable<Parameter> parameters, double learningRate, double momentum = 0.0,
        double weightDecay = 0.0, bool nesterov = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = [.. parameters];
        Parameters = Array.AsReadOnly(_parameters);
        RequireEachParameterOnce(_parameters);
        RequireInRange(momentum, 0.0, 1.0, nameof(momentum));
        RequireInRange(weightDecay, 0.0, double.MaxValue, nameof(weightDecay));
        if (nesterov && momentum <= 0.0)
        {
            throw new ArgumentException("Nesterov momentum needs a momentum greater than 0, but momentum is 0.",
                nameof(nesterov));
        }

        LearningRate = learningRate;
        Momentum = momentum;
        WeightDecay = weightDecay;
        Nesterov = nesterov;
        _velocities = Array.ConvertAll(_parameters, p => Tensor.Zeros(p.Value.Shape.ToArray()));
    }

    /// <summary>The step size; may be changed between steps (a learning-rate schedule).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, infinite or NaN.</exception>
    public double LearningRate
    {
        get => _learningRate;
        set
        {
            RequireInRange(value, 0.0, double.MaxValue, nameof(LearningRate));
            _learningRate = value;
        }
    }

    /// <summary>The momentum factor μ.</summary>
    public double Momentum { get; }

    /// <summary>The L2 weight-decay factor.</summary>
    public double WeightDecay { get; }

    /// <summary>Whether the update uses Nesterov momentum.</summary>
    public bool Nesterov { get; }

    /// <summary>The parameters this optimizer updates, in the order given.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>The momentum buffer of each parameter, in the order of <see cref="Parameters"/> (for saving and loading).</summary>
    internal IReadOnlyList<Tensor> Velocities => _velocities;

    /// <summary>Updates every parameter from its accumulated gradient.</summary>
    public void Step()
    {
        for (int i = 0; i < _parameters.Length; i++)
        {
            Update(_parameters[i].Value.AsSpan(), _parameters[i].Gradient.AsReadOnlySpan(), _velocities[i].AsSpan());
        }
    }

    /// <summary>Sets every parameter's gradient to zero, ready for the next backward pass.</summary>
    public void ZeroGrad()
    {
        foreach (var parameter in _parameters)
        {
            parameter.ZeroGrad();
        }
    }

    private void Update(Span<double> value, ReadOnlySpan<double> gradient, Span<double> velocity) =>
        MomentumUpdate.Apply(value, gradient, velocity, _learningRate, Momentum, WeightDecay, Nesterov);

    private static void RequireEachParameterOnce(Parameter[] parameters)
    {
        var firstIndex = new Dictionary<Parameter, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < parameters.Length; i++)
        {
            if (parameters[i] is null)
            {
                throw new ArgumentException(
                    $"Expected a parameter at every position, but parameter {i.ToString(CultureInfo.InvariantCulture)} " +
                    "is null. Pass model.Parameters.", nameof(parameters));
            }
            if (!firstIndex.TryAdd(parameters[i], i))
            {
                throw new ArgumentException(
                    $"Each parameter may be listed once, but parameter {i.ToString(CultureInfo.InvariantCulture)} " +
                    $"({parameters[i]}) appears more than once: it is parameter " +
                    $"{firstIndex[parameters[i]].ToString(CultureInfo.InvariantCulture)} again.", nameof(parameters));
            }
        }
    }

    private static void RequireInRange(double value, double min, double max, string name)
    {
        if (!(value >= min && value <= max))
        {
            throw new ArgumentOutOfRangeException(name, value,
                $"{name} must lie in [{min.ToString(CultureInfo.InvariantCulture)}, " +
                $"{(max == double.MaxValue ? "∞)" : max.ToString(CultureInfo.InvariantCulture) + "]")}, but was " +
                $"{value.ToString(CultureInfo.InvariantCulture)}.");
        }
    }
}
