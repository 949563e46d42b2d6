using BatchNormSharp.Kernels;

namespace BatchNormSharp;

/// <summary>
/// Runs a model in inference mode over a data set, batch by batch: the engine behind <see cref="InferenceExtensions"/>
/// and the trainer's validation.
/// </summary>
/// <remarks>
/// The batches go through the layers' state-free inference path (<see cref="Layer.Infer"/>): nothing of the model is
/// written (no forward cache, no mode), so several instances may run on one model at once, and a pending backward
/// pass of the model is left alone. The instance itself keeps reusable storage and is used by one thread.
/// </remarks>
internal sealed class BatchedInference(Layer model)
{
    private readonly Dictionary<int, Tensor> _logitsByRows = [];
    private readonly SoftmaxCrossEntropy _loss = new();
    private readonly int[] _batchShape = new int[2];

    /// <summary>Mean loss and accuracy over checked data.</summary>
    public EvaluationResult Evaluate(Tensor inputs, int[] labels, int batchSize)
    {
        int rows = inputs.Shape[0];
        double lossSum = 0.0;
        int correct = 0;
        for (int start = 0; start < rows; start += batchSize)
        {
            int count = Math.Min(batchSize, rows - start);
            var logits = Logits(inputs, start, count);
            ReadOnlySpan<int> batchLabels = labels.AsSpan(start, count);
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
            var logits = Logits(inputs, start, count);
            int classes = logits.Shape[1];
            probabilities ??= Tensor.Zeros(rows, classes);
            Softmax.Rows(logits.AsReadOnlySpan(), count, classes,
                probabilities.AsSpan().Slice(start * classes, count * classes), logSumExp);
        }
        return new Prediction(probabilities!.ArgMaxRows(), probabilities);
    }

    /// <summary>The inference-mode logits of rows <c>[start, start + count)</c>; valid until the next call.</summary>
    private Tensor Logits(Tensor inputs, int start, int count)
    {
        int width = inputs.Shape[1];
        _batchShape[0] = count;
        _batchShape[1] = width;
        if (!_logitsByRows.TryGetValue(count, out var logits))
        {
            logits = Tensor.Zeros(model.OutputShape(_batchShape, ForwardMode.Inference));
            _logitsByRows[count] = logits;
        }
        model.Infer(inputs.AsReadOnlySpan().Slice(start * width, count * width), _batchShape, logits.AsSpan());
        return logits;
    }
}
