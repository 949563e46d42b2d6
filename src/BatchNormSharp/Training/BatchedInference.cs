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
    private readonly Dictionary<int, Tensor> _outputsByRows = [];
    private readonly Dictionary<int, Tensor> _targetsByRows = [];
    private double[] _logSumExp = [];

    /// <summary>The mean loss and the task's metrics over checked data.</summary>
    public EvaluationResult Evaluate(Tensor inputs, Tensor targets, ILoss loss, int batchSize, bool detailed = true)
    {
        int rows = inputs.Shape[0];
        double lossSum = 0.0, scoreSum = 0.0;
        int scored = 0;
        Tensor? all = null;
        for (int start = 0; start < rows; start += batchSize)
        {
            int count = Math.Min(batchSize, rows - start);
            var outputs = Outputs(inputs, start, count);
            var batchTargets = RowsOf(targets, start, count);
            lossSum += loss.Forward(outputs, batchTargets) * count;
            var (sum, units) = TaskScore.Of(loss.Task, outputs, batchTargets);
            scoreSum += sum;
            scored += units;
            if (detailed)
            {
                all ??= Tensor.Zeros(WithRows(outputs.Shape, rows));
                outputs.AsReadOnlySpan().CopyTo(all.AsSpan()[(start * (outputs.Length / count))..]);
            }
        }
        var result = loss.Task == LossTask.Regression
            ? new EvaluationResult(lossSum / rows, 0, scored) { Task = loss.Task, MeanAbsoluteError = scoreSum / scored }
            : new EvaluationResult(lossSum / rows, (int)scoreSum, scored) { Task = loss.Task };
        return detailed ? Detailed(result, all!, targets) : result;
    }

    /// <summary>The outputs of every row read through the task's link.</summary>
    public Prediction Predict(Tensor inputs, LossTask task, int batchSize)
    {
        int rows = inputs.Shape[0];
        Tensor? values = null;
        for (int start = 0; start < rows; start += batchSize)
        {
            int count = Math.Min(batchSize, rows - start);
            var outputs = Outputs(inputs, start, count);
            int width = outputs.Length / count;
            values ??= Tensor.Zeros(WithRows(outputs.Shape, rows));
            Span<double> destination = values.AsSpan().Slice(start * width, count * width);
            Link(task, outputs, count, width, destination);
        }
        return new Prediction(task, Classes(task, values!), values!);
    }

    /// <summary>Softmax for several classes, sigmoid for binary outputs, nothing for regression.</summary>
    private void Link(LossTask task, Tensor outputs, int rows, int width, Span<double> destination)
    {
        switch (task)
        {
            case LossTask.MultiClass:
                if (_logSumExp.Length < rows)
                {
                    _logSumExp = new double[rows];
                }
                Softmax.Rows(outputs.AsReadOnlySpan(), rows, width, destination, _logSumExp.AsSpan(0, rows));
                break;
            case LossTask.Binary:
                ActivationFunctions.Sigmoid(outputs.AsReadOnlySpan(), destination);
                break;
            default:
                outputs.AsReadOnlySpan().CopyTo(destination);
                break;
        }
    }

    private static int[]? Classes(LossTask task, Tensor values)
    {
        int rows = values.Shape[0], width = values.Length / rows;
        if (task == LossTask.MultiClass)
        {
            return values.ArgMaxRows();
        }
        if (task == LossTask.Binary && width == 1)
        {
            return [.. values.ToArray().Select(probability => probability > 0.5 ? 1 : 0)];
        }
        return null;
    }

    /// <summary>Adds the confusion matrix (classifiers), the ROC AUC (one binary output) and the RMSE (regression).</summary>
    private static EvaluationResult Detailed(EvaluationResult result, Tensor outputs, Tensor targets)
    {
        ReadOnlySpan<double> o = outputs.AsReadOnlySpan(), t = targets.AsReadOnlySpan();
        int rows = outputs.Shape[0], width = outputs.Length / rows;
        switch (result.Task)
        {
            case LossTask.MultiClass:
                int[] actual = [.. targets.ToArray().Select(value => (int)value)];
                return result with { ConfusionMatrix = ClassificationMetrics.ConfusionMatrix(actual, outputs.ArgMaxRows(), width) };
            case LossTask.Binary when width == 1:
                int[] truth = [.. targets.ToArray().Select(value => value >= 0.5 ? 1 : 0)];
                int[] predicted = [.. outputs.ToArray().Select(logit => logit > 0.0 ? 1 : 0)];
                bool bothClasses = truth.Contains(0) && truth.Contains(1);
                bool hardTargets = targets.AsReadOnlySpan().IndexOfAnyExcept(0.0, 1.0) < 0;
                return result with
                {
                    ConfusionMatrix = ClassificationMetrics.ConfusionMatrix(truth, predicted, 2),
                    RocAuc = bothClasses && hardTargets ? BinaryMetrics.RocAuc(o, t) : null,
                };
            case LossTask.Regression:
                return result with { RootMeanSquaredError = RegressionMetrics.Evaluate(o, t).Rmse };
            default:
                return result;
        }
    }

    /// <summary>Rows <c>[start, start + count)</c> of <paramref name="source"/> (a copy reused per size when the range
    /// is not the whole tensor).</summary>
    private Tensor RowsOf(Tensor source, int start, int count)
    {
        if (start == 0 && count == source.Shape[0])
        {
            return source;
        }
        int width = source.Length / source.Shape[0];
        if (!_targetsByRows.TryGetValue(count, out var rows))
        {
            rows = Tensor.Zeros(WithRows(source.Shape, count));
            _targetsByRows[count] = rows;
        }
        source.AsReadOnlySpan().Slice(start * width, count * width).CopyTo(rows.AsSpan());
        return rows;
    }

    /// <summary>The inference-mode outputs of rows <c>[start, start + count)</c>; valid until the next call.</summary>
    private Tensor Outputs(Tensor inputs, int start, int count)
    {
        int width = inputs.Length / inputs.Shape[0];
        int[] shape = WithRows(inputs.Shape, count);
        if (!_outputsByRows.TryGetValue(count, out var outputs))
        {
            outputs = Tensor.Zeros(model.OutputShape(shape, ForwardMode.Inference));
            _outputsByRows[count] = outputs;
        }
        model.Infer(inputs.AsReadOnlySpan().Slice(start * width, count * width), shape, outputs.AsSpan());
        return outputs;
    }

    private static int[] WithRows(ReadOnlySpan<int> shape, int rows)
    {
        int[] result = shape.ToArray();
        result[0] = rows;
        return result;
    }
}
