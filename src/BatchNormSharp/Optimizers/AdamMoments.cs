using BatchNormSharp.Kernels;

namespace BatchNormSharp;

/// <summary>
/// The state and step shared by <see cref="Adam"/> and <see cref="AdamW"/>, which differ only in how weight decay
/// enters: the parameters, their first and second moments (and the AMSGrad maximum), and the step count.
/// </summary>
internal sealed class AdamMoments
{
    private readonly Parameter[] _parameters;
    private readonly Tensor[] _expAvg;
    private readonly Tensor[] _expAvgSq;
    private readonly Tensor[]? _maxExpAvgSq;

    // A scalar tensor rather than a field, so that it saves and loads like every other entry (PyTorch's "step").
    private readonly Tensor _step = Tensor.Zeros();

    public AdamMoments(IEnumerable<Parameter> parameters, bool amsgrad)
    {
        _parameters = OptimizerChecks.DistinctParameters(parameters, nameof(parameters));
        Parameters = Array.AsReadOnly(_parameters);
        _expAvg = Array.ConvertAll(_parameters, p => Tensor.Zeros(p.Value.Shape.ToArray()));
        _expAvgSq = Array.ConvertAll(_parameters, p => Tensor.Zeros(p.Value.Shape.ToArray()));
        _maxExpAvgSq = amsgrad ? Array.ConvertAll(_parameters, p => Tensor.Zeros(p.Value.Shape.ToArray())) : null;

        var state = new List<OptimizerStateEntry> { new("step", null, _step, isInteger: true) };
        for (int i = 0; i < _parameters.Length; i++)
        {
            state.Add(new OptimizerStateEntry("exp_avg", i, _expAvg[i]));
            state.Add(new OptimizerStateEntry("exp_avg_sq", i, _expAvgSq[i]));
            if (_maxExpAvgSq is not null)
            {
                state.Add(new OptimizerStateEntry("max_exp_avg_sq", i, _maxExpAvgSq[i]));
            }
        }
        State = state.AsReadOnly();
    }

    public IReadOnlyList<Parameter> Parameters { get; }

    public IReadOnlyList<OptimizerStateEntry> State { get; }

    /// <summary>The number of steps taken (PyTorch's <c>state["step"]</c>).</summary>
    public long Steps => (long)_step.AsReadOnlySpan()[0];

    public void Step(double learningRate, double beta1, double beta2, double epsilon, double weightDecay,
        bool decoupled)
    {
        long step = Steps + 1;
        var settings = new AdamSettings(learningRate, beta1, beta2, epsilon, weightDecay, decoupled, step);
        for (int i = 0; i < _parameters.Length; i++)
        {
            AdamUpdate.Apply(_parameters[i].Value.AsSpan(), _parameters[i].Gradient.AsReadOnlySpan(),
                _expAvg[i].AsSpan(), _expAvgSq[i].AsSpan(),
                _maxExpAvgSq is null ? Span<double>.Empty : _maxExpAvgSq[i].AsSpan(), settings);
        }
        _step.AsSpan()[0] = step;
    }

    public void ZeroGrad()
    {
        foreach (var parameter in _parameters)
        {
            parameter.ZeroGrad();
        }
    }
}
