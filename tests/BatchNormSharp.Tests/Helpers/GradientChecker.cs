namespace BatchNormSharp.Tests;

/// <summary>
/// Compares analytic gradients with centred finite differences, in double (cs231n's protocol, GUIDE §3).
/// </summary>
/// <remarks>
/// <para>For every entry <c>t</c> of the input and of every parameter, the numeric derivative is
/// <c>(L(t + h) - L(t - h)) / ((t + h) - (t - h))</c>: dividing by the step actually taken, not by <c>2h</c>,
/// removes the rounding of <c>t ± h</c> (about ε·|t|/h relative, 4e-9 for t = 17 and h = 1e-6).</para>
/// <para>Each entry is scored by <see cref="RelativeError"/>. The check must not disturb the objective: every
/// parameter, gradient and buffer (running statistics) is captured before the first forward call and restored after
/// each one, and every perturbed entry is written back exactly, so that the layer leaves the check bit for bit as it
/// entered it.</para>
/// </remarks>
internal static class GradientChecker
{
    /// <summary>The step h of the centred differences.</summary>
    public const double DefaultStep = 1e-6;

    /// <summary>The largest relative error a correct backward pass shows (GUIDE §3).</summary>
    public const double Tolerance = 1e-7;

    /// <summary>
    /// How far above the rounding bound <c>ε · Σ|terms of L| / h</c> the noise of a difference quotient may lie. The
    /// bound counts the rounding of the sum, not that of each term: a normalised output <c>(x - μ) / σ</c> carries an
    /// error of a few <c>ε · |x| / σ</c>, several times <c>ε · |y|</c> (measured: up to 0.8 of the bound at N = 2).
    /// </summary>
    private const double NoiseSafetyFactor = 10.0;

    /// <summary>The spacing of doubles at 1, 2^-52.</summary>
    private const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>Checks dL/d(input) and dL/d(every parameter) of <paramref name="objective"/> at <paramref name="input"/>.</summary>
    public static GradientCheckReport Check(IObjective objective, Tensor input, double step = DefaultStep)
    {
        var state = StateSnapshot.Of(objective.Parameters.Select(p => p.Parameter), objective.Buffers);

        foreach (var (_, parameter) in objective.Parameters)
        {
            parameter.ZeroGrad();
        }
        var analyticInput = objective.Differentiate(input);
        var analyticParameters = objective.Parameters.Select(p => p.Parameter.Gradient.Clone()).ToArray();
        state.Restore();

        var comparisons = new List<GradientComparison>
        {
            Compare("input", analyticInput, NumericGradient(objective, input, input, state, step)),
        };
        for (int k = 0; k < analyticParameters.Length; k++)
        {
            var (name, parameter) = objective.Parameters[k];
            comparisons.Add(Compare(name, analyticParameters[k],
                NumericGradient(objective, input, parameter.Value, state, step)));
        }
        state.Restore(); // the gradients too: the caller's accumulated gradients survive the check
        return new GradientCheckReport(comparisons);
    }

    /// <summary>Checks one layer with <c>L = Σ layer(x) ⊙ g</c>, g random from <paramref name="upstreamSeed"/>.</summary>
    public static GradientCheckReport CheckLayer(Layer layer, Tensor input, ForwardMode mode, int upstreamSeed) =>
        Check(new LayerObjective(layer, mode, upstreamSeed), input);

    /// <summary>
    /// The score of one entry: <c>|a - n| / max(1e-8, |a| + |n|, floor)</c>. The floor is the absolute floor for
    /// entries near zero: the rounding noise of the numeric derivative, about <c>ε · Σ|terms of L| / h</c>, divided
    /// by <see cref="Tolerance"/> (times a safety factor of 10). An entry far above the noise is judged relatively; an
    /// entry near the noise (such as BatchNorm's dx at N = 2, which is ε_bn/σ² times smaller than dy) passes when it
    /// lies within ten times that noise of the numeric value.
    /// </summary>
    public static double RelativeError(double analytic, double numeric, double floor) =>
        Math.Abs(analytic - numeric) / Math.Max(Math.Max(1e-8, Math.Abs(analytic) + Math.Abs(numeric)), floor);

    /// <summary>
    /// Compares <paramref name="analytic"/> with centred differences of <paramref name="objective"/> over every entry
    /// of <paramref name="target"/> (each entry nudged by ± <paramref name="step"/> and put back), each judged against
    /// its own rounding floor (see <see cref="RelativeError"/>), for functions that take no <see cref="IObjective"/>.
    /// </summary>
    /// <returns>The worst score (infinite for a NaN), where it is and the numeric derivative there.</returns>
    public static (double Error, int Index, double Numeric) WorstEntry(
        ReadOnlySpan<double> analytic, Span<double> target, Func<ObjectiveValue> objective, double step)
    {
        double worst = 0.0, worstNumeric = 0.0;
        int worstIndex = 0;
        for (int i = 0; i < target.Length; i++)
        {
            double original = target[i];
            double up = original + step, down = original - step;
            target[i] = up;
            var above = objective();
            target[i] = down;
            var below = objective();
            target[i] = original;
            double actualStep = up - down;
            double numeric = (above.Value - below.Value) / actualStep;
            double noise = MachineEpsilon * (above.Magnitude + below.Magnitude) / actualStep;
            double error = RelativeError(analytic[i], numeric, 10.0 * noise / Tolerance);
            if (double.IsNaN(error) || error > worst)
            {
                worst = double.IsNaN(error) ? double.PositiveInfinity : error;
                worstIndex = i;
                worstNumeric = numeric;
            }
        }
        return (worst, worstIndex, worstNumeric);
    }

    private static NumericDerivative NumericGradient(
        IObjective objective, Tensor input, Tensor withRespectTo, StateSnapshot state, double step)
    {
        Span<double> values = withRespectTo.AsSpan();
        var derivative = new double[values.Length];
        double noise = 0.0;
        for (int i = 0; i < values.Length; i++)
        {
            double original = values[i];
            double up = original + step, down = original - step;

            values[i] = up;
            var above = objective.Evaluate(input);
            state.Restore();
            values[i] = down;
            var below = objective.Evaluate(input);
            state.Restore();
            values[i] = original;

            double actualStep = up - down;
            derivative[i] = (above.Value - below.Value) / actualStep;
            noise = Math.Max(noise, MachineEpsilon * (above.Magnitude + below.Magnitude) / actualStep);
        }
        return new NumericDerivative(derivative, noise);
    }

    private static GradientComparison Compare(string name, Tensor analytic, NumericDerivative numeric)
    {
        double floor = NoiseSafetyFactor * numeric.Noise / Tolerance;
        ReadOnlySpan<double> a = analytic.AsReadOnlySpan();
        int worst = 0;
        double worstError = 0.0;
        for (int i = 0; i < a.Length; i++)
        {
            double error = RelativeError(a[i], numeric.Values[i], floor);
            // NaN must fail, so it counts as the worst possible error.
            if (double.IsNaN(error) || error > worstError)
            {
                worstError = double.IsNaN(error) ? double.PositiveInfinity : error;
                worst = i;
            }
        }
        return new GradientComparison(name, worstError, worst, a.Length == 0 ? 0 : a[worst],
            a.Length == 0 ? 0 : numeric.Values[worst], floor, analytic.Shape.ToArray());
    }

    private sealed record NumericDerivative(double[] Values, double Noise);
}
