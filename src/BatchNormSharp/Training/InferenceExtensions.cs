namespace BatchNormSharp;

/// <summary>
/// Keras's <c>predict</c> and <c>evaluate</c> for any classifier <see cref="Layer"/> whose outputs are logits: run in
/// inference mode (running statistics, nothing changed), batch by batch.
/// </summary>
/// <remarks>
/// <para><b>Thread safety.</b> <see cref="Predict(Layer, Tensor, LossTask, int)"/> and <see cref="Evaluate(Layer, Tensor, Tensor, ILoss, int)"/> may be called from any number of
/// threads at once on one model, with results bit for bit equal to sequential calls, as long as nobody trains the
/// model, loads a state into it or changes a parameter at the same time. They write nothing of the model — no running
/// statistic, no forward cache, not even the mode — so they may also run between a training forward pass and its
/// backward pass. This holds when every layer of the model is one of this library's (<see cref="Dense"/>,
/// <see cref="BatchNorm"/>, <see cref="ReLU"/>, <see cref="Sequential"/>); a model holding a user's own
/// <see cref="Layer"/> is run through <see cref="Layer.Forward(Tensor, ForwardMode)"/> in inference mode, which is not thread-safe.
/// <see cref="Layer.Forward(Tensor, ForwardMode)"/>, <see cref="Layer.Backward(Tensor)"/> and <see cref="Trainer.Fit(Tensor, Tensor, FitOptions?, IProgress{TrainingProgress}?, CancellationToken)"/> are never
/// thread-safe on one model.</para>
/// <para><b>Batch size.</b> A model whose every <see cref="BatchNorm"/> keeps running statistics gives each row the
/// same result in any batch. A BatchNorm built with <c>trackRunningStats: false</c> has no running statistics and
/// normalises with the statistics of each batch even in inference (PyTorch does the same): then a row's prediction
/// depends on the batch size and on the rows batched with it.</para>
/// <para><b>NaN.</b> Inference does not scan its inputs: a NaN or infinite input gives a NaN or infinite row of
/// probabilities, as in PyTorch.</para>
/// </remarks>
public static class InferenceExtensions
{
    /// <summary>The default number of rows per inference batch.</summary>
    public const int DefaultBatchSize = 256;

    /// <summary>Predicts the class and the softmax probabilities of every row, in inference mode.</summary>
    /// <param name="model">A classifier whose output is one logit per class.</param>
    /// <param name="inputs">The rows, shape <c>[rows, features]</c>.</param>
    /// <param name="batchSize">Rows per forward pass; at least 1. With running statistics in every
    /// <see cref="BatchNorm"/> (the default), each row's result is the same for any batch size and only memory use
    /// depends on it. <b>A BatchNorm built with <c>trackRunningStats: false</c> normalises with the statistics of the
    /// batch it is given, also in inference, so its results depend on the batch size and on which rows share a
    /// batch</b>, as in PyTorch; a last batch of one row is refused.</param>
    /// <returns>The predicted classes and probabilities.</returns>
    /// <exception cref="ArgumentException">The inputs do not fit the model or the batch size is out of range, or a batch
    /// would hold more values than an array at some layer; nothing is changed.</exception>
    public static Prediction Predict(this Layer model, Tensor inputs, int batchSize = DefaultBatchSize) =>
        Predict(model, inputs, LossTask.MultiClass, batchSize);

    /// <summary>
    /// Predicts every row in inference mode, reading the outputs as the task's loss trained them: softmax probabilities
    /// and classes for <see cref="LossTask.MultiClass"/>, sigmoid probabilities (and classes for one output) for
    /// <see cref="LossTask.Binary"/>, the values themselves for <see cref="LossTask.Regression"/>.
    /// </summary>
    /// <param name="model">The trained model.</param>
    /// <param name="inputs">The rows, batch first.</param>
    /// <param name="task">The task of the loss the model was trained with (<see cref="ILoss.Task"/>).</param>
    /// <param name="batchSize">Rows per forward pass; at least 1 (see the other overload about BatchNorms without
    /// running statistics).</param>
    /// <returns>The predictions.</returns>
    /// <exception cref="ArgumentException">The inputs do not fit the model or the batch size is out of range; nothing is
    /// changed.</exception>
    public static Prediction Predict(this Layer model, Tensor inputs, LossTask task, int batchSize = DefaultBatchSize)
    {
        int outputs = DataChecks.Inputs(model, inputs, nameof(inputs));
        DataChecks.ResultFits(inputs.Shape[0], outputs, nameof(inputs));
        DataChecks.BatchSize(model, batchSize, ForwardMode.Inference, nameof(batchSize));
        RequireNoSingleRowBatch(model, inputs.Shape[0], batchSize);
        if (!Enum.IsDefined(task))
        {
            throw new ArgumentOutOfRangeException(nameof(task), task, $"Unknown task {task}.");
        }
        return new BatchedInference(model).Predict(inputs, task, batchSize);
    }

    /// <summary>The mean softmax cross-entropy, the accuracy and the confusion matrix on labelled rows, in inference
    /// mode.</summary>
    /// <param name="model">A classifier whose output is one logit per class.</param>
    /// <param name="inputs">The rows, shape <c>[rows, features]</c>.</param>
    /// <param name="labels">The class of each row.</param>
    /// <param name="batchSize">Rows per forward pass; at least 1. As for <see cref="Predict(Layer, Tensor, int)"/>:
    /// results depend on it only when a <see cref="BatchNorm"/> has no running statistics.</param>
    /// <returns>The loss and metrics.</returns>
    /// <exception cref="ArgumentException">The inputs do not fit the model, the label count differs from the row count,
    /// a label is out of range, or the batch size is; nothing is changed.</exception>
    public static EvaluationResult Evaluate(this Layer model, Tensor inputs, IReadOnlyList<int> labels,
        int batchSize = DefaultBatchSize)
    {
        DataChecks.Inputs(model, inputs, nameof(inputs));
        var targets = TargetChecks.FromLabels(labels, nameof(labels));
        return Evaluate(model, inputs, targets, new SoftmaxCrossEntropy(), batchSize, nameof(labels));
    }

    /// <summary>
    /// The mean loss and the metrics of its task on labelled rows, in inference mode: accuracy and confusion matrix
    /// for classifiers, the ROC AUC for one binary output, mean absolute and root mean squared error for regression.
    /// </summary>
    /// <param name="model">The trained model.</param>
    /// <param name="inputs">The rows, batch first.</param>
    /// <param name="targets">The targets the loss takes: class indices <c>[rows]</c>, 0/1 values or real values of the
    /// output's shape.</param>
    /// <param name="loss">The loss to score with (its forward cache is used: give each thread its own).</param>
    /// <param name="batchSize">Rows per forward pass; at least 1.</param>
    /// <returns>The loss and metrics.</returns>
    /// <exception cref="ArgumentException">The inputs or targets do not fit the model or the loss, or the batch size
    /// is out of range; nothing is changed.</exception>
    public static EvaluationResult Evaluate(this Layer model, Tensor inputs, Tensor targets, ILoss loss,
        int batchSize = DefaultBatchSize)
    {
        ArgumentNullException.ThrowIfNull(loss);
        return Evaluate(model, inputs, targets, loss, batchSize, nameof(targets));
    }

    private static EvaluationResult Evaluate(Layer model, Tensor inputs, Tensor targets, ILoss loss, int batchSize,
        string targetsName)
    {
        int[] outputShape = DataChecks.OutputShape(model, inputs, nameof(inputs));
        DataChecks.RequireFinite(inputs, nameof(inputs));
        TargetChecks.Require(loss.Task, targets, inputs.Shape[0], outputShape, targetsName);
        DataChecks.BatchSize(model, batchSize, ForwardMode.Inference, nameof(batchSize));
        RequireNoSingleRowBatch(model, inputs.Shape[0], batchSize);
        return new BatchedInference(model).Evaluate(inputs, targets, loss, batchSize);
    }

    /// <summary>A BatchNorm without running statistics normalises with batch statistics even in inference.</summary>
    internal static void RequireNoSingleRowBatch(Layer model, int rows, int batchSize)
    {
        if (rows % batchSize == 1 && model.UsesBatchStatistics(ForwardMode.Inference))
        {
            throw new ArgumentException(
                "The model has a BatchNorm without running statistics, which needs at least 2 rows per batch even in " +
                $"inference, but {rows} rows in batches of {batchSize} leave a last batch of 1 row. Choose another " +
                "batch size.", nameof(batchSize));
        }
    }
}
