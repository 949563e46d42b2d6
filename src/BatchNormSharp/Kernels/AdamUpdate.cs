namespace BatchNormSharp.Kernels;

/// <summary>
/// The element-wise update of Adam and AdamW, in the order of operations of PyTorch 1.13's
/// <c>torch.optim._single_tensor_adam</c> / <c>_single_tensor_adamw</c>, so that results agree to the last bits.
/// </summary>
internal static class AdamUpdate
{
    /// <summary>
    /// One step for one parameter: <c>m = β1·m + (1-β1)·g</c>; <c>v = β2·v + (1-β2)·g·g</c>;
    /// <c>p -= (lr / (1-β1^t)) · m / (sqrt(v̂) / sqrt(1-β2^t) + eps)</c>, where <c>v̂</c> is <c>v</c>, or with
    /// AMSGrad the running maximum of <c>v</c>.
    /// </summary>
    /// <param name="value">The parameter, updated in place.</param>
    /// <param name="gradient">Its gradient (not changed).</param>
    /// <param name="expAvg">The first moment <c>m</c>, updated in place.</param>
    /// <param name="expAvgSq">The second moment <c>v</c>, updated in place.</param>
    /// <param name="maxExpAvgSq">The running maximum of <c>v</c> for AMSGrad, updated in place; empty without AMSGrad.</param>
    /// <param name="settings">The hyper-parameters and the step number <c>t</c> (1 at the first step).</param>
    public static void Apply(
        Span<double> value, ReadOnlySpan<double> gradient, Span<double> expAvg, Span<double> expAvgSq,
        Span<double> maxExpAvgSq, in AdamSettings settings)
    {
        double beta1 = settings.Beta1, beta2 = settings.Beta2, lr = settings.LearningRate;
        double biasCorrection1 = 1.0 - Math.Pow(beta1, settings.Step);
        double biasCorrection2 = 1.0 - Math.Pow(beta2, settings.Step);
        double stepSize = lr / biasCorrection1;
        double biasCorrection2Sqrt = Math.Sqrt(biasCorrection2);
        // AdamW shrinks the parameter before anything else (decoupled decay); Adam adds the decay to the gradient.
        double shrink = settings.Decoupled ? 1.0 - (lr * settings.WeightDecay) : 1.0;
        double coupledDecay = settings.Decoupled ? 0.0 : settings.WeightDecay;
        bool amsgrad = !maxExpAvgSq.IsEmpty;
        for (int i = 0; i < value.Length; i++)
        {
            double p = value[i];
            if (settings.Decoupled)
            {
                p *= shrink;
            }
            double g = coupledDecay != 0.0 ? gradient[i] + (coupledDecay * p) : gradient[i];
            double m = (expAvg[i] * beta1) + ((1.0 - beta1) * g);
            double v = (expAvgSq[i] * beta2) + ((1.0 - beta2) * g * g);
            expAvg[i] = m;
            expAvgSq[i] = v;
            if (amsgrad)
            {
                v = Math.Max(maxExpAvgSq[i], v);
                maxExpAvgSq[i] = v;
            }
            double denominator = (Math.Sqrt(v) / biasCorrection2Sqrt) + settings.Epsilon;
            value[i] = p + (-stepSize * (m / denominator));
        }
    }
}
