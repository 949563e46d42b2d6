using BatchNormSharp.Kernels;

namespace BatchNormSharp;

/// <summary>
/// Runs a model in inference mode over a data set, batch by batch, reusing its batch storage between calls: the
/// engine behind <see cref="InferenceExtensions"/> and the trainer's validation.
/// </summary>
internal sealed class BatchedInference(ILayer model)
{
    private readonly BatchBuffer _batches = new();
    private readonly SoftmaxCrossEntropy _loss = new();

    /// <summary>Mean loss and accuracy over checked data.</summary>
    public EvaluationResult Evaluate(Tensor inputs, int[] labels, int batchSize)
    {
        int rows = inputs.Shape[0];
        double lossSum = 0.0;
        int correct = 0;
        for (int start = 0; start < rows; start += batchSize)
        {
            int count = Math.Min(batchSize, rows - start);
            var (batch, batchLabels) = _batches.Range(inputs, labels, start, count);
            var logits = model.Forward(batch, ForwardMode.Inference);
            lossSum += _loss.Forward(logits, batchLabels) * count;
            correct += Accuracy.CountCorrect(logits, batchLabels);
        }
        return new EvaluationResult(lossSum / rows, correct, rows);
    }

    /// <summary>Classes and softmax probabilities for checked inputs.</summary>
    public Prediction Predict(Tensor inputs, int batchSize)
    {
        int rows = inputs.Shape[0];
        Tensor? probabilities = null;
        var logSumExp = new double[Math.Min(batchSize, rows)];
        for (int start = 0; start < rows; start += batchSize)
        {
            int count = Math.Min(batchSize, rows - start);
            var (batch, _) = _batches.Range(inputs, null, start, count);
            var logits = model.Forward(batch, ForwardMode.Inference);
            int classes = logits.Shape[1];
            probabilities ??= Tensor.Zeros(rows, classes);
            Softmax.Rows(logits.AsReadOnlySpan(), count, classes,
                probabilities.AsSpan().Slice(start * classes, count * classes), logSumExp);
        }
        return new Prediction(probabilities!.ArgMaxRows(), probabilities);
    }
}
