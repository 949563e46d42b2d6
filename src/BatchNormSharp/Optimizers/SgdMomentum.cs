using BatchNormSharp.Kernels;

namespace BatchNormSharp;

/// <summary>
/// Stochastic gradient descent with momentum, equal to PyTorch's <c>torch.optim.SGD</c> (dampening 0):
/// <c>g = ∇p + weightDecay · p</c>; <c>v = momentum · v + g</c>; <c>p -= lr · v</c> (with Nesterov,
/// <c>p -= lr · (g + momentum · v)</c>). The first step sets <c>v = g</c>.
/// </summary>
/// <remarks>Only parameters are updated; buffers such as running statistics are the layers' business.</remarks>
public sealed class SgdMomentum : IOptimizer
{
    private readonly Parameter[] _parameters;
    private readonly Tensor[] _velocities;
    private readonly IReadOnlyList<OptimizerStateEntry> _state;
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
        _parameters = OptimizerChecks.DistinctParameters(parameters, nameof(parameters));
        Parameters = Array.AsReadOnly(_parameters);
        OptimizerChecks.InRange(momentum, 0.0, 1.0, nameof(momentum));
        OptimizerChecks.InRange(weightDecay, 0.0, double.MaxValue, nameof(weightDecay));
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
        _state = Array.AsReadOnly(Enumerable.Range(0, _parameters.Length)
            .Select(i => new OptimizerStateEntry("momentum_buffer", i, _velocities[i])).ToArray());
    }

    /// <summary>The step size; may be changed between steps (a learning-rate schedule).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, infinite or NaN.</exception>
    public double LearningRate
    {
        get => _learningRate;
        set
        {
            OptimizerChecks.InRange(value, 0.0, double.MaxValue, nameof(LearningRate));
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

    /// <summary>The momentum buffer of each parameter, in the order of <see cref="Parameters"/>.</summary>
    internal IReadOnlyList<Tensor> Velocities => _velocities;

    /// <summary>One <c>momentum_buffer</c> per parameter (PyTorch's name), zero until the first step.</summary>
    public IReadOnlyList<OptimizerStateEntry> State => _state;

    /// <summary><c>lr</c>, <c>momentum</c>, <c>weight_decay</c>, <c>nesterov</c>, as PyTorch names them.</summary>
    public IReadOnlyDictionary<string, string> Hyperparameters => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["lr"] = OptimizerChecks.Format(LearningRate),
        ["momentum"] = OptimizerChecks.Format(Momentum),
        ["weight_decay"] = OptimizerChecks.Format(WeightDecay),
        ["nesterov"] = Nesterov ? "true" : "false",
    };

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
}
