using System.Diagnostics.CodeAnalysis;

namespace BatchNormSharp;

/// <summary>
/// What every optimizer offers, PyTorch's <c>torch.optim.Optimizer</c>: update the parameters from their gradients
/// (<see cref="Step"/>), clear the gradients (<see cref="ZeroGrad"/>), a learning rate that a schedule may change, and
/// named state that saves and loads with <see cref="OptimizerStateExtensions"/>.
/// </summary>
/// <remarks>
/// A training step is <c>optimizer.ZeroGrad(); forward; loss; backward; optimizer.Step();</c>, as in PyTorch. Only
/// parameters are updated; buffers such as running statistics are the layers' business.
/// </remarks>
public interface IOptimizer
{
    /// <summary>The parameters this optimizer updates, in the order given to its constructor.</summary>
    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>The step size, PyTorch's <c>param_groups[0]["lr"]</c>; a learning-rate schedule changes it between
    /// steps.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value set is negative, infinite or NaN.</exception>
    double LearningRate { get; set; }

    /// <summary>
    /// The optimizer's state, live: per-parameter tensors (<c>momentum_buffer</c>, <c>exp_avg</c>, ...) in the
    /// parameter's own layout, and optimizer-wide counters (<c>step</c>). Saved under PyTorch-like names by
    /// <see cref="OptimizerStateExtensions.StateDict"/>.
    /// </summary>
    IReadOnlyList<OptimizerStateEntry> State { get; }

    /// <summary>
    /// The hyper-parameters under PyTorch's names (<c>lr</c>, <c>betas</c>, <c>eps</c>, <c>weight_decay</c>, ...), each
    /// formatted in the invariant culture; a saved state records them as metadata, for reference.
    /// </summary>
    IReadOnlyDictionary<string, string> Hyperparameters { get; }

    /// <summary>Updates every parameter from its accumulated gradient.</summary>
    [SuppressMessage("Naming", "CA1716:Identifiers should not match keywords",
        Justification = "PyTorch's name (optimizer.step()); a VB caller can still call it.")]
    void Step();

    /// <summary>Sets every parameter's gradient to zero, ready for the next backward pass.</summary>
    void ZeroGrad();
}
