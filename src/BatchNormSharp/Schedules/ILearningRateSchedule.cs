using System.Diagnostics.CodeAnalysis;

namespace BatchNormSharp;

/// <summary>
/// A learning-rate schedule stepped once per epoch (or per batch, as the caller chooses), PyTorch's
/// <c>torch.optim.lr_scheduler</c>: each <see cref="Step"/> sets the optimizer's <see cref="IOptimizer.LearningRate"/>.
/// </summary>
/// <remarks>
/// As in PyTorch, creating a schedule counts as epoch 0 and leaves the learning rate as it is; call <see cref="Step"/>
/// after the optimizer's steps of an epoch. The formulas are PyTorch's recursive (chainable) forms, so a learning rate
/// changed by hand between steps is carried on from, as in PyTorch. For a schedule driven by a monitored metric see
/// <see cref="ReduceLROnPlateau"/>.
/// </remarks>
public interface ILearningRateSchedule
{
    /// <summary>The optimizer whose learning rate the schedule sets.</summary>
    IOptimizer Optimizer { get; }

    /// <summary>The number of <see cref="Step"/> calls so far (PyTorch's <c>last_epoch</c>; 0 after construction).</summary>
    int LastEpoch { get; }

    /// <summary>Advances one epoch and sets the optimizer's learning rate for it.</summary>
    [SuppressMessage("Naming", "CA1716:Identifiers should not match keywords",
        Justification = "PyTorch's name (scheduler.step()); a VB caller can still call it.")]
    void Step();
}
