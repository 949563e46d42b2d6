namespace BatchNormSharp.Kernels;

/// <summary>The numbers one Adam or AdamW step needs, passed to <see cref="AdamUpdate.Apply"/>.</summary>
/// <param name="LearningRate">The step size.</param>
/// <param name="Beta1">The decay of the first moment.</param>
/// <param name="Beta2">The decay of the second moment.</param>
/// <param name="Epsilon">Added to the root of the second moment (outside the root, as PyTorch).</param>
/// <param name="WeightDecay">The weight-decay factor.</param>
/// <param name="Decoupled">Whether the decay shrinks the parameter (AdamW) rather than adding to the gradient (Adam).</param>
/// <param name="Step">The step number, 1 at the first step.</param>
internal readonly record struct AdamSettings(
    double LearningRate, double Beta1, double Beta2, double Epsilon, double WeightDecay, bool Decoupled, long Step);
