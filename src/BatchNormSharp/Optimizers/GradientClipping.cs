using System.Globalization;

namespace BatchNormSharp;

/// <summary>
/// Gradient clipping between the backward pass and the optimizer's step, with PyTorch's semantics:
/// <c>torch.nn.utils.clip_grad_norm_</c> and <c>clip_grad_value_</c>.
/// </summary>
/// <remarks>
/// <code>
/// optimizer.ZeroGrad();
/// loss.Forward(model.Forward(x, ForwardMode.Training), y);
/// model.Backward(loss.Backward());
/// double norm = GradientClipping.ClipGradNorm(model.Parameters, maxNorm: 1.0);
/// optimizer.Step();
/// </code>
/// Neither call allocates.
/// </remarks>
public static class GradientClipping
{
    /// <summary>
    /// Scales every gradient by <c>maxNorm / (total + 1e-6)</c> when that factor is below 1, where <c>total</c> is the
    /// norm of all gradients taken together (as if concatenated into one vector).
    /// </summary>
    /// <param name="parameters">The parameters whose gradients are clipped, e.g. <c>model.Parameters</c>.</param>
    /// <param name="maxNorm">The largest total norm allowed, 0 or more.</param>
    /// <param name="normType">The p of the p-norm: greater than 0, or <see cref="double.PositiveInfinity"/> for the
    /// largest magnitude. PyTorch's default 2.</param>
    /// <param name="errorIfNonFinite">Throw, changing nothing, when the total norm is NaN or infinite (PyTorch's
    /// <c>error_if_nonfinite</c>); by default such gradients are scaled by the resulting NaN, as in PyTorch.</param>
    /// <returns>The total norm <em>before</em> clipping, as PyTorch returns it (useful to log).</returns>
    /// <exception cref="ArgumentException"><paramref name="maxNorm"/> or <paramref name="normType"/> is out of range, a
    /// parameter is null, or the total norm is not finite while <paramref name="errorIfNonFinite"/> is set.</exception>
    public static double ClipGradNorm(IReadOnlyList<Parameter> parameters, double maxNorm, double normType = 2.0,
        bool errorIfNonFinite = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        OptimizerChecks.InRange(maxNorm, 0.0, double.MaxValue, nameof(maxNorm));
        if (!(normType > 0.0))
        {
            throw new ArgumentOutOfRangeException(nameof(normType), normType,
                $"normType must be greater than 0 (2 for the Euclidean norm, double.PositiveInfinity for the largest " +
                $"magnitude), but was {normType.ToString(CultureInfo.InvariantCulture)}.");
        }
        RequireParameters(parameters);
        if (parameters.Count == 0)
        {
            return 0.0;
        }

        double total = TotalNorm(parameters, normType);
        if (errorIfNonFinite && !double.IsFinite(total))
        {
            throw new ArgumentException(
                $"The total norm of order {normType.ToString(CultureInfo.InvariantCulture)} of the gradients is " +
                $"{total.ToString(CultureInfo.InvariantCulture)}, so they cannot be clipped (nothing was changed). " +
                "Look for a NaN or infinite loss, or set errorIfNonFinite to false.", nameof(parameters));
        }
        double coefficient = maxNorm / (total + 1e-6);
        // PyTorch multiplies by min(coefficient, 1); multiplying by exactly 1 changes nothing, so skip it. A NaN
        // coefficient fails the test below, so it is applied as PyTorch applies it.
        if (!(coefficient >= 1.0))
        {
            foreach (var parameter in Enumerate(parameters))
            {
                foreach (ref double g in parameter.Gradient.AsSpan())
                {
                    g *= coefficient;
                }
            }
        }
        return total;
    }

    /// <summary>Clamps every gradient entry to <c>[-clipValue, clipValue]</c> (NaN stays NaN, as in PyTorch).</summary>
    /// <param name="parameters">The parameters whose gradients are clipped.</param>
    /// <param name="clipValue">The largest magnitude allowed, 0 or more.</param>
    /// <exception cref="ArgumentException"><paramref name="clipValue"/> is negative or NaN, or a parameter is null.</exception>
    public static void ClipGradValue(IReadOnlyList<Parameter> parameters, double clipValue)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        OptimizerChecks.InRange(clipValue, 0.0, double.MaxValue, nameof(clipValue));
        RequireParameters(parameters);
        foreach (var parameter in Enumerate(parameters))
        {
            foreach (ref double g in parameter.Gradient.AsSpan())
            {
                g = Math.Clamp(g, -clipValue, clipValue);
            }
        }
    }

    /// <summary>PyTorch's total norm: the p-norm of the per-parameter p-norms (the largest magnitude for p = ∞).</summary>
    private static double TotalNorm(IReadOnlyList<Parameter> parameters, double normType)
    {
        double total = 0.0;
        foreach (var parameter in Enumerate(parameters))
        {
            double norm = Norm(parameter.Gradient.AsReadOnlySpan(), normType);
            total = double.IsPositiveInfinity(normType) ? Max(total, norm) : total + Power(norm, normType);
        }
        return double.IsPositiveInfinity(normType) ? total : Root(total, normType);
    }

    private static double Norm(ReadOnlySpan<double> values, double normType)
    {
        double sum = 0.0;
        foreach (double x in values)
        {
            double magnitude = Math.Abs(x);
            sum = double.IsPositiveInfinity(normType) ? Max(sum, magnitude) : sum + Power(magnitude, normType);
        }
        return double.IsPositiveInfinity(normType) ? sum : Root(sum, normType);
    }

    /// <summary>The larger of two values, NaN when either is NaN (so that a NaN gradient shows in the norm).</summary>
    private static double Max(double a, double b) => double.IsNaN(a) || double.IsNaN(b) ? double.NaN : Math.Max(a, b);

    private static double Power(double magnitude, double p) => p switch
    {
        1.0 => magnitude,
        2.0 => magnitude * magnitude,
        _ => Math.Pow(magnitude, p),
    };

    private static double Root(double sum, double p) => p switch
    {
        1.0 => sum,
        2.0 => Math.Sqrt(sum),
        _ => Math.Pow(sum, 1.0 / p),
    };

    /// <summary>The parameters by index: no enumerator is allocated.</summary>
    private static IndexedParameters Enumerate(IReadOnlyList<Parameter> parameters) => new(parameters);

    private static void RequireParameters(IReadOnlyList<Parameter> parameters)
    {
        for (int i = 0; i < parameters.Count; i++)
        {
            if (parameters[i] is null)
            {
                throw new ArgumentException(
                    $"Expected parameters, but parameter {i.ToString(CultureInfo.InvariantCulture)} is null.",
                    nameof(parameters));
            }
        }
    }

    /// <summary>A struct enumerator over a list by index, so that clipping allocates nothing.</summary>
    private readonly struct IndexedParameters(IReadOnlyList<Parameter> parameters)
    {
        public Enumerator GetEnumerator() => new(parameters);

        public struct Enumerator(IReadOnlyList<Parameter> parameters)
        {
            private int _index = -1;

            public readonly Parameter Current => parameters[_index];

            public bool MoveNext() => ++_index < parameters.Count;
        }
    }
}
