namespace BatchNormSharp.Tests;

/// <summary>
/// A scalar function of an input batch and of some parameters, with its analytic gradient: what
/// <see cref="GradientChecker"/> differentiates numerically and compares.
/// </summary>
internal interface IObjective
{
    /// <summary>The parameters the objective depends on, with the names reports use.</summary>
    IReadOnlyList<(string Name, Parameter Parameter)> Parameters { get; }

    /// <summary>Buffers a forward pass may change (running statistics), restored by the checker after every call.</summary>
    IReadOnlyList<StateBuffer> Buffers { get; }

    /// <summary>Runs the forward pass only and returns L.</summary>
    ObjectiveValue Evaluate(Tensor input);

    /// <summary>
    /// Runs forward and backward, returns a copy of dL/d(input) and adds dL/d(parameter) to each parameter's gradient.
    /// </summary>
    Tensor Differentiate(Tensor input);
}

/// <summary>
/// The value of an objective and the magnitude of the terms it was summed from (Σ |term|). The magnitude bounds the
/// rounding error of the value, about ε · magnitude, which sets the noise of a difference quotient.
/// </summary>
internal readonly record struct ObjectiveValue(double Value, double Magnitude);
