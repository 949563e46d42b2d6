namespace BatchNormSharp;

/// <summary>
/// What <c>Predict</c> returns, read through the link of the task: softmax probabilities and the arg-max class for
/// several classes, sigmoid probabilities and a 0.5 threshold for binary outputs, the outputs themselves for regression.
/// </summary>
public sealed class Prediction
{
    private readonly int[]? _classes;

    internal Prediction(LossTask task, int[]? classes, Tensor values)
    {
        Task = task;
        _classes = classes;
        Values = values;
    }

    /// <summary>The task the outputs were read for.</summary>
    public LossTask Task { get; }

    /// <summary>The predicted class of each row: the arg-max for several classes, 1 when the probability of a single
    /// binary output exceeds 0.5 (Keras's rule).</summary>
    /// <exception cref="InvalidOperationException">The task is regression, or binary with several outputs per row.</exception>
    public IReadOnlyList<int> Classes => _classes ?? throw new InvalidOperationException(Task == LossTask.Regression
        ? "A regression predicts values, not classes: read Values."
        : "A binary model with several outputs per row predicts one probability per output: read Probabilities.");

    /// <summary>The probabilities, <c>[rows, classes]</c> (softmax) or <c>[rows, outputs]</c> (sigmoid).</summary>
    /// <exception cref="InvalidOperationException">The task is regression: read <see cref="Values"/>.</exception>
    public Tensor Probabilities => Task == LossTask.Regression
        ? throw new InvalidOperationException("A regression predicts values, not probabilities: read Values.")
        : Values;

    /// <summary>The model's answers: the probabilities of a classifier, the predicted values of a regression.</summary>
    public Tensor Values { get; }
}
