namespace BatchNormSharp;

/// <summary>The loss and accuracy of a model on labelled data, in inference mode (Keras's <c>evaluate</c>).</summary>
/// <param name="Loss">The mean softmax cross-entropy over the rows.</param>
/// <param name="Correct">The number of rows whose largest output is the label.</param>
/// <param name="Count">The number of rows.</param>
public sealed record EvaluationResult(double Loss, int Correct, int Count)
{
    /// <summary>The fraction of rows classified correctly, <see cref="Correct"/> / <see cref="Count"/>.</summary>
    public double Accuracy => (double)Correct / Count;
}
