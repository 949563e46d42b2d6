namespace BatchNormSharp;

/// <summary>
/// AdamW, equal to PyTorch's <c>torch.optim.AdamW</c>: weight decay is <em>decoupled</em> (the parameter shrinks first,
/// <c>p -= lr · weightDecay · p</c>), then Adam's update from the raw gradient: <c>m = β1·m + (1-β1)·g</c>;
/// <c>v = β2·v + (1-β2)·g²</c>; <c>p -= lr / (1-β1^t) · m / (sqrt(v) / sqrt(1-β2^t) + eps)</c>.
/// </summary>
/// <remarks>
/// <para>Defaults as PyTorch: <c>lr = 1e-3</c>, <c>betas = (0.9, 0.999)</c>, <c>eps = 1e-8</c> (added outside the
/// root), bias correction always on. With <c>amsgrad</c> the running maximum of <c>v</c> replaces <c>v</c> in the
/// denominator. The state (<c>step</c>, and per parameter <c>exp_avg</c>, <c>exp_avg_sq</c>, <c>max_exp_avg_sq</c>) saves
/// and loads with <see cref="OptimizerStateExtensions"/>.</para>
/// <para>A step allocates nothing.</para>
/// </remarks>
public sealed class AdamW : Adam
{
    /// <summary>Creates the optimizer over <paramref name="parameters"/>, with zero moments and a step count of 0.</summary>
    /// <param name="parameters">The parameters to update, e.g. a model's <see cref="Layer.Parameters"/>.</param>
    /// <param name="learningRate">The step size, 0 or more.</param>
    /// <param name="beta1">The decay of the first moment, in [0, 1).</param>
    /// <param name="beta2">The decay of the second moment, in [0, 1).</param>
    /// <param name="epsilon">Added to the denominator for stability, 0 or more.</param>
    /// <param name="weightDecay">The decoupled decay factor, 0 or more; PyTorch's default 0.01. (For an L2 penalty added to
    /// the gradient use <see cref="Adam"/>.)</param>
    /// <param name="amsgrad">Use the AMSGrad variant (the running maximum of the second moment).</param>
    /// <exception cref="ArgumentException">A parameter is listed twice, or a hyper-parameter is out of range.</exception>
    public AdamW(IEnumerable<Parameter> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double epsilon = 1e-8, double weightDecay = 1e-2, bool amsgrad = false)
        : base(parameters, learningRate, beta1, beta2, epsilon, weightDecay, amsgrad, decoupledWeightDecay: true)
    {
    }
}
