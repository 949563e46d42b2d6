namespace BatchNormSharp;

/// <summary>
/// What a loss trains a model to do, which decides how its outputs are read: how <c>Fit</c> scores the batches, which
/// metrics <c>Evaluate</c> reports, and how <c>Predict</c> turns outputs into answers.
/// </summary>
public enum LossTask
{
    /// <summary>One class out of several: one logit per class, class-index targets, softmax probabilities, accuracy by
    /// arg-max (<see cref="SoftmaxCrossEntropy"/>).</summary>
    MultiClass,

    /// <summary>Yes or no: one logit per output, 0/1 targets, sigmoid probabilities, accuracy at probability 0.5
    /// (<see cref="BinaryCrossEntropyWithLogits"/>).</summary>
    Binary,

    /// <summary>Real values: outputs are the predictions themselves, scored by mean absolute error
    /// (<see cref="MeanSquaredError"/>).</summary>
    Regression,
}
