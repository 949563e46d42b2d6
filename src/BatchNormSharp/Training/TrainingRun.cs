using System.Globalization;

namespace BatchNormSharp;

/// <summary>
/// The checked inputs of one <see cref="Trainer.Fit"/> call and its batch plan: the row order, shuffled each epoch,
/// cut into batches.
/// </summary>
internal sealed class TrainingRun
{
    private TrainingRun(Tensor inputs, int[] labels, int batchSize, int batchCount, Tensor? validationInputs,
        int[]? validationLabels)
    {
        Inputs = inputs;
        Labels = labels;
        BatchSize = batchSize;
        BatchCount = batchCount;
        ValidationInputs = validationInputs;
        ValidationLabels = validationLabels;
        Order = [.. Enumerable.Range(0, inputs.Shape[0])];
    }

    public Tensor Inputs { get; }

    public int[] Labels { get; }

    public int BatchSize { get; }

    /// <summary>Batches per epoch: the full ones, plus the partial one unless it is dropped.</summary>
    public int BatchCount { get; }

    public Tensor? ValidationInputs { get; }

    public int[]? ValidationLabels { get; }

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

    /// <summary>Checks every argument of a fit against the model and each other before anything runs.</summary>
    public static TrainingRun Check(Layer model, Tensor inputs, IReadOnlyList<int> labels, FitOptions options)
    {
        int? classes = DataChecks.Inputs(model, inputs, nameof(inputs));
        DataChecks.RequireFinite(inputs, nameof(inputs));
        int rows = inputs.Shape[0];
        int[] checkedLabels = DataChecks.Labels(labels, rows, classes, nameof(labels));
        DataChecks.BatchSize(model, options.BatchSize, ForwardMode.Training, nameof(options.BatchSize));
        var (validationInputs, validationLabels) = CheckValidation(model, options, classes);
        CheckEarlyStopping(options, validationInputs is not null);

        int batchCount = CountBatches(rows, options.BatchSize, options.DropLastPartialBatch);
        if (batchCount == 0)
        {
            throw new ArgumentException(
                $"There is no batch to train on: {Format(rows)} training rows in batches of " +
                $"{Format(options.BatchSize)}{(options.DropLastPartialBatch ? ", dropping the partial batch," : "")} " +
                "leave none (a last batch of 1 row is always dropped, as BatchNorm cannot train on it).",
                nameof(inputs));
        }
        return new TrainingRun(inputs, checkedLabels, options.BatchSize, batchCount, validationInputs, validationLabels);
    }

    /// <summary>Full batches, plus the remainder when it is kept and has at least two rows.</summary>
    private static int CountBatches(int rows, int batchSize, bool dropLastPartialBatch)
    {
        int full = rows / batchSize, remainder = rows % batchSize;
        bool keepRemainder = !dropLastPartialBatch && remainder >= 2;
        return full + (keepRemainder ? 1 : 0);
    }

    private static (Tensor? Inputs, int[]? Labels) CheckValidation(Layer model, FitOptions options, int? classes)
    {
        if (options.ValidationInputs is null && options.ValidationLabels is null)
        {
            return (null, null);
        }
        if (options.ValidationInputs is null || options.ValidationLabels is null)
        {
            throw new ArgumentException(
                "Validation needs both ValidationInputs and ValidationLabels, but only " +
                $"{(options.ValidationInputs is null ? "ValidationLabels" : "ValidationInputs")} was given.",
                nameof(options));
        }
        DataChecks.Inputs(model, options.ValidationInputs, nameof(options.ValidationInputs));
        DataChecks.RequireFinite(options.ValidationInputs, nameof(options.ValidationInputs));
        int[] labels = DataChecks.Labels(options.ValidationLabels, options.ValidationInputs.Shape[0], classes,
            nameof(options.ValidationLabels));
        InferenceExtensions.RequireNoSingleRowBatch(model, options.ValidationInputs.Shape[0], options.BatchSize);
        return (options.ValidationInputs, labels);
    }

    private static void CheckEarlyStopping(FitOptions options, bool hasValidation)
    {
        if (options.EarlyStopping is { Monitor: TrainingMetric.ValidationLoss or TrainingMetric.ValidationAccuracy } stopping
            && !hasValidation)
        {
            throw new ArgumentException(
                $"Early stopping monitors {stopping.Monitor}, which needs validation data, but no ValidationInputs were " +
                "given. Pass validation data or monitor a training metric.", nameof(options));
        }
        if (options.EarlyStopping is { } settings && !Enum.IsDefined(settings.Monitor))
        {
            throw new ArgumentOutOfRangeException(nameof(options), settings.Monitor,
                $"Unknown early-stopping metric {settings.Monitor}.");
        }
    }

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);
}
