namespace BatchNormSharp;

/// <summary>
/// Adam, equal to PyTorch's <c>torch.optim.Adam</c>: weight decay is <em>coupled</em> (added to the gradient, <c>g = ∇p + weightDecay · p</c>), then
/// <c>m = β1·m + (1-β1)·g</c>; <c>v = β2·v + (1-β2)·g²</c>; <c>p -= lr / (1-β1^t) · m / (sqrt(v) / sqrt(1-β2^t) + eps)</c>.
/// </summary>
/// <remarks>
/// <para>Defaults as PyTorch: <c>lr = 1e-3</c>, <c>betas = (0.9, 0.999)</c>, <c>eps = 1e-8</c> (added outside the
/// root), bias correction always on. With <c>amsgrad</c> the running maximum of <c>v</c> replaces <c>v</c> in the
/// denominator. The state (<c>step</c>, and per parameter <c>exp_avg</c>, <c>exp_avg_sq</c>, <c>max_exp_avg_sq</c>) saves
/// and loads with <see cref="OptimizerStateExtensions"/>.</para>
/// <para>A step allocates nothing. <see cref="AdamW"/> derives from this class (as in PyTorch 2) and differs only in
/// where the weight decay acts.</para>
/// </remarks>
public class Adam : IOptimizer
{
    private readonly AdamMoments _moments;
    private double _learningRate;

    /// <summary>Creates the optimizer over <paramref name="parameters"/>, with zero moments and a step count of 0.</summary>
    /// <param name="parameters">The parameters to update, e.g. a model's <see cref="Layer.Parameters"/>.</param>
    /// <param name="learningRate">The step size, 0 or more.</param>
    /// <param name="beta1">The decay of the first moment, in [0, 1).</param>
    /// <param name="beta2">The decay of the second moment, in [0, 1).</param>
    /// <param name="epsilon">Added to the denominator for stability, 0 or more.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient, 0 or more; PyTorch's default 0. (For decay decoupled
    /// from the gradient use <see cref="AdamW"/>.)</param>
    /// <param name="amsgrad">Use the AMSGrad variant (the running maximum of the second moment).</param>
    /// <exception cref="ArgumentException">A parameter is listed twice, or a hyper-parameter is out of range.</exception>
    public Adam(IEnumerable<Parameter> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double epsilon = 1e-8, double weightDecay = 0.0, bool amsgrad = false)
        : this(parameters, learningRate, beta1, beta2, epsilon, weightDecay, amsgrad, decoupledWeightDecay: false)
    {
    }

    /// <summary>The shared constructor of <see cref="Adam"/> and <see cref="AdamW"/>.</summary>
    private protected Adam(IEnumerable<Parameter> parameters, double learningRate, double beta1, double beta2,
        double epsilon, double weightDecay, bool amsgrad, bool decoupledWeightDecay)
    {
        OptimizerChecks.Beta(beta1, nameof(beta1));
        OptimizerChecks.Beta(beta2, nameof(beta2));
        OptimizerChecks.InRange(epsilon, 0.0, double.MaxValue, nameof(epsilon));
        OptimizerChecks.InRange(weightDecay, 0.0, double.MaxValue, nameof(weightDecay));
        LearningRate = learningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        Amsgrad = amsgrad;
        DecoupledWeightDecay = decoupledWeightDecay;
        _moments = new AdamMoments(parameters, amsgrad);
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

    /// <summary>The decay of the first moment, β1.</summary>
    public double Beta1 { get; }

    /// <summary>The decay of the second moment, β2.</summary>
    public double Beta2 { get; }

    /// <summary>The term added to the denominator, outside the root.</summary>
    public double Epsilon { get; }

    /// <summary>The weight-decay factor.</summary>
    public double WeightDecay { get; }

    /// <summary>Whether the AMSGrad variant is used.</summary>
    public bool Amsgrad { get; }

    /// <summary>Whether the weight decay shrinks the parameters directly (<see cref="AdamW"/>) rather than being added
    /// to the gradient (<see cref="Adam"/>).</summary>
    public bool DecoupledWeightDecay { get; }

    /// <summary>The number of steps taken so far (PyTorch's <c>state["step"]</c>).</summary>
    public long Steps => _moments.Steps;

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => _moments.Parameters;

    /// <summary><c>step</c>, then per parameter <c>exp_avg</c>, <c>exp_avg_sq</c> and (with AMSGrad)
    /// <c>max_exp_avg_sq</c>.</summary>
    public IReadOnlyList<OptimizerStateEntry> State => _moments.State;

    /// <summary><c>lr</c>, <c>betas</c>, <c>eps</c>, <c>weight_decay</c>, <c>amsgrad</c>, as PyTorch names them.</summary>
    public IReadOnlyDictionary<string, string> Hyperparameters => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["lr"] = OptimizerChecks.Format(LearningRate),
        ["betas"] = "(" + OptimizerChecks.Format(Beta1) + ", " + OptimizerChecks.Format(Beta2) + ")",
        ["eps"] = OptimizerChecks.Format(Epsilon),
        ["weight_decay"] = OptimizerChecks.Format(WeightDecay),
        ["amsgrad"] = Amsgrad ? "true" : "false",
    };

    /// <summary>Updates every parameter from its accumulated gradient and counts the step.</summary>
    public void Step() => _moments.Step(_learningRate, Beta1, Beta2, Epsilon, WeightDecay, DecoupledWeightDecay);

    /// <summary>Sets every parameter's gradient to zero, ready for the next backward pass.</summary>
    public void ZeroGrad() => _moments.ZeroGrad();
}
