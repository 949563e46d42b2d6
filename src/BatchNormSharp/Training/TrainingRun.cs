using System.Globalization;

namespace BatchNormSharp;

/// <summary>
/// The checked inputs and targets of one <see cref="Trainer.Fit(Tensor, Tensor, FitOptions?, IProgress{TrainingProgress}?, CancellationToken)"/>
/// call and its batch plan: the row order, shuffled each epoch, cut into batches.
/// </summary>
internal sealed class TrainingRun
{
    private TrainingRun(Tensor inputs, Tensor targets, int batchSize, int batchCount, Tensor? validationInputs,
        Tensor? validationTargets)
    {
        Inputs = inputs;
        Targets = targets;
        BatchSize = batchSize;
        BatchCount = batchCount;
        ValidationInputs = validationInputs;
        ValidationTargets = validationTargets;
        Order = [.. Enumerable.Range(0, inputs.Shape[0])];
    }

    public Tensor Inputs { get; }

    public Tensor Targets { get; }

    public int BatchSize { get; }

    /// <summary>Batches per epoch: the full ones, plus the partial one unless it is dropped.</summary>
    public int BatchCount { get; }

    public Tensor? ValidationInputs { get; }

    public Tensor? ValidationTargets { get; }

    /// <summary>The order in which this epoch visits the rows.</summary>
    public int[] Order { get; }

    /// <summary>The rows of batch <paramref name="batch"/> of this epoch.</summary>
    public ReadOnlySpan<int> BatchRows(int batch)
    {
        int start = batch * BatchSize;
        return Order.AsSpan(start, Math.Min(BatchSize, Order.Length - start));
    }

    /// <summary>Puts the rows in a new random order (Fisher–Yates, written out so the order for a seed never depends on
    /// the runtime's version).</summary>
    public void Shuffle(Random random)
    {
        for (int i = Order.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (Order[i], Order[j]) = (Order[j], Order[i]);
        }
    }

    /// <summary>Checks every argument of a fit against the model, the loss and each other before anything runs.</summary>
    public static TrainingRun Check(Layer model, ILoss loss, Tensor inputs, Tensor targets, FitOptions options,
        string targetsName)
    {
        int[] outputShape = DataChecks.OutputShape(model, inputs, nameof(inputs));
        DataChecks.RequireFinite(inputs, nameof(inputs));
        int rows = inputs.Shape[0];
        TargetChecks.Require(loss.Task, targets, rows, outputShape, targetsName);
        DataChecks.BatchSize(model, options.BatchSize, ForwardMode.Training, nameof(options.BatchSize));
        var (validationInputs, validationTargets) = CheckValidation(model, loss, options);
        CheckEarlyStopping(options, loss.Task, validationInputs is not null);

        int batchCount = CountBatches(rows, options.BatchSize, options.DropLastPartialBatch);
        if (batchCount == 0)
        {
            throw new ArgumentException(
                $"There is no batch to train on: {Format(rows)} training rows in batches of " +
                $"{Format(options.BatchSize)}{(options.DropLastPartialBatch ? ", dropping the partial batch," : "")} " +
                "leave none (a last batch of 1 row is always dropped, as BatchNorm cannot train on it).",
                nameof(inputs));
        }
        return new TrainingRun(inputs, targets, options.BatchSize, batchCount, validationInputs, validationTargets);
    }

    /// <summary>Full batches, plus the remainder when it is kept and has at least two rows.</summary>
    private static int CountBatches(int rows, int batchSize, bool dropLastPartialBatch)
    {
        int full = rows / batchSize, remainder = rows % batchSize;
        bool keepRemainder = !dropLastPartialBatch && remainder >= 2;
        return full + (keepRemainder ? 1 : 0);
    }

    private static (Tensor? Inputs, Tensor? Targets) CheckValidation(Layer model, ILoss loss, FitOptions options)
    {
        Tensor? targets = options.ValidationTargets
            ?? (options.ValidationLabels is { } labels ? TargetChecks.FromLabels(labels, nameof(options.ValidationLabels)) : null);
        if (options.ValidationTargets is not null && options.ValidationLabels is not null)
        {
            throw new ArgumentException(
                "FitOptions.ValidationLabels and ValidationTargets were both set; give one of them.", nameof(options));
        }
        if (options.ValidationInputs is null && targets is null)
        {
            return (null, null);
        }
        if (options.ValidationInputs is null || targets is null)
        {
            string given = options.ValidationInputs is not null ? "ValidationInputs"
                : options.ValidationLabels is not null ? "ValidationLabels" : "ValidationTargets";
            throw new ArgumentException(
                $"Validation needs both ValidationInputs and ValidationLabels (or ValidationTargets), but only {given} " +
                "was given.", nameof(options));
        }
        int[] outputShape = DataChecks.OutputShape(model, options.ValidationInputs, nameof(options.ValidationInputs));
        DataChecks.RequireFinite(options.ValidationInputs, nameof(options.ValidationInputs));
        string targetName = options.ValidationTargets is null ? nameof(options.ValidationLabels) : nameof(options.ValidationTargets);
        TargetChecks.Require(loss.Task, targets, options.ValidationInputs.Shape[0], outputShape, targetName);
        InferenceExtensions.RequireNoSingleRowBatch(model, options.ValidationInputs.Shape[0], options.BatchSize);
        return (options.ValidationInputs, targets);
    }

    private static void CheckEarlyStopping(FitOptions options, LossTask task, bool hasValidation)
    {
        foreach (var (monitor, what) in Monitors(options))
        {
            if (!Enum.IsDefined(monitor))
            {
                throw new ArgumentOutOfRangeException(nameof(options), monitor, $"Unknown metric {monitor} ({what}).");
            }
            if (monitor.IsValidation() && !hasValidation)
            {
                throw new ArgumentException(
                    $"{what} monitors {monitor}, which needs validation data, but no ValidationInputs were given. Pass " +
                    "validation data (ValidationInputs, or ValidationSplit) or monitor a training metric.",
                    nameof(options));
            }
            if (!monitor.AppliesTo(task))
            {
                throw new ArgumentException(
                    $"{what} monitors {monitor}, which a {task} loss does not report; monitor " +
                    $"{(task == LossTask.Regression ? "a loss or a mean absolute error" : "a loss or an accuracy")}.",
                    nameof(options));
            }
        }
    }

    private static IEnumerable<(TrainingMetric Monitor, string What)> Monitors(FitOptions options)
    {
        if (options.EarlyStopping is { } stopping)
        {
            yield return (stopping.Monitor, "Early stopping");
        }
        if (options.ReduceLearningRateOnPlateau is not null)
        {
            yield return (options.PlateauMonitor, "The plateau schedule");
        }
    }

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);
}
