using System.Globalization;

namespace BatchNormSharp;

/// <summary>
/// Trains a classifier with softmax cross-entropy and SGD with momentum, epoch by epoch: Keras's <c>model.fit</c>, with
/// shuffling from an explicit seed, validation, progress reports, cancellation and early stopping.
/// </summary>
/// <remarks>
/// <para>Each batch does what a hand-written loop does:
/// <code>
/// optimizer.ZeroGrad();
/// Tensor logits = model.Forward(inputs, ForwardMode.Training);
/// double loss = lossFunction.Forward(logits, labels);
/// model.Backward(lossFunction.Backward());
/// optimizer.Step();
/// </code>
/// and the trainer adds the bookkeeping around it. Steady-state batches reuse their storage and allocate nothing.</para>
/// <para>Fit returns a <see cref="TrainingHistory"/> for every way of stopping: it does not throw on cancellation
/// (the history says <see cref="StopReason.Cancelled"/>), and it stops at the first batch whose loss is NaN or
/// infinite, or whose batch statistics a <see cref="BatchNorm"/> refuses as NaN or infinite, before that batch
/// updates the weights (<see cref="StopReason.NonFiniteLoss"/>). A BatchNorm's refusal changes no running statistic;
/// a non-finite loss with finite statistics comes after the forward pass has moved them.</para>
/// <para>A trainer is not thread-safe; nor is the model while it trains.</para>
/// </remarks>
public sealed class Trainer
{
    private readonly SoftmaxCrossEntropy _loss = new();
    private readonly BatchBuffer _batches = new();
    private readonly BatchedInference _validation;

    /// <summary>Creates a trainer for <paramref name="model"/> that updates it with <paramref name="optimizer"/>.</summary>
    /// <param name="model">A classifier whose output is one logit per class.</param>
    /// <param name="optimizer">The optimizer, built over the model's parameters (all of them, and no others).</param>
    /// <exception cref="ArgumentException">The optimizer does not update exactly the model's parameters: it was built
    /// over another model, or leaves some of this model's parameters out. The message names each.</exception>
    public Trainer(Layer model, SgdMomentum optimizer)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        OptimizerCoverage.Require(model, optimizer, nameof(optimizer));
        Model = model;
        Optimizer = optimizer;
        _validation = new BatchedInference(model);
    }

    /// <summary>The model being trained.</summary>
    public Layer Model { get; }

    /// <summary>The optimizer that updates the model.</summary>
    public SgdMomentum Optimizer { get; }

    /// <summary>Trains the model on <paramref name="inputs"/> and <paramref name="labels"/>.</summary>
    /// <param name="inputs">The training rows, shape <c>[rows, features]</c>.</param>
    /// <param name="labels">The class of each row, in <c>[0, classes)</c>.</param>
    /// <param name="options">Epochs, batch size, seed, validation data and early stopping; defaults when
    /// <see langword="null"/>.</param>
    /// <param name="progress">Receives a report after every batch and at the end of every epoch.</param>
    /// <param name="cancellationToken">Checked before every batch: when signalled, training stops before the next batch
    /// and the history says <see cref="StopReason.Cancelled"/>. An epoch whose batches have all run is complete (its
    /// weights were trained): it is validated, listed and reported even when the cancel arrived during its last batch,
    /// and training then stops before the next epoch, or returns <see cref="StopReason.Completed"/> after the last.</param>
    /// <returns>The metrics of every completed epoch and why training stopped.</returns>
    /// <exception cref="ArgumentException">The data do not fit the model, labels are out of range, the validation data
    /// are incomplete, or the options cannot work (batch size 1 with BatchNorm, early stopping on validation metrics
    /// without validation data, no full batch to train on). Checked before anything changes.</exception>
    public TrainingHistory Fit(Tensor inputs, IReadOnlyList<int> labels, FitOptions? options = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= new FitOptions();
        (inputs, labels, options) = HoldOutValidation(inputs, labels, options);
        var run = TrainingRun.Check(Model, inputs, labels, options);
        // Keras prints progress unless told not to; a reporter the caller passes replaces the console one.
        var console = progress is null && options.Verbosity == FitVerbosity.Progress ? new ConsoleProgress() : null;
        try
        {
            return FitChecked(run, options, progress ?? console, cancellationToken);
        }
        finally
        {
            console?.Finish();
        }
    }

    private TrainingHistory FitChecked(TrainingRun run, FitOptions options, IProgress<TrainingProgress>? progress,
        CancellationToken cancellationToken)
    {
        var stopping = options.EarlyStopping is { } settings ? new EarlyStoppingMonitor(settings, Model) : null;
        // Grown as epochs complete: sized by Epochs it would allocate for every epoch up front (int.MaxValue epochs
        // threw OutOfMemoryException before the first batch).
        var epochs = new List<EpochMetrics>();
        var random = new Random(options.Seed);

        var (reason, message) = (StopReason.Completed, $"Trained all {Format(options.Epochs)} epochs.");
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            if (options.Shuffle)
            {
                run.Shuffle(random);
            }
            var outcome = RunEpoch(run, epoch, options.Epochs, progress, cancellationToken);
            if (outcome.Stop is { } stop)
            {
                (reason, message) = stop;
                break;
            }

            var metrics = outcome.Metrics!;
            epochs.Add(metrics);
            progress?.Report(new TrainingProgress(epoch, options.Epochs, run.BatchCount, run.BatchCount,
                metrics.TrainingLoss, metrics.TrainingAccuracy, metrics));
            if (stopping is not null && stopping.ShouldStop(metrics))
            {
                (reason, message) = (StopReason.EarlyStopped, EarlyStopMessage(options.EarlyStopping!, stopping, epoch));
                break;
            }
        }

        bool restored = stopping?.RestoreBestWeights() ?? false;
        return new TrainingHistory(epochs, reason, message, stopping?.Best, restored);
    }

    /// <summary>Splits off <see cref="FitOptions.ValidationSplit"/>'s last rows as the validation data, as Keras does.</summary>
    private static (Tensor, IReadOnlyList<int>, FitOptions) HoldOutValidation(Tensor inputs, IReadOnlyList<int> labels,
        FitOptions options)
    {
        if (options.ValidationSplit == 0.0)
        {
            return (inputs, labels, options);
        }
        if (options.ValidationInputs is not null || options.ValidationLabels is not null)
        {
            throw new ArgumentException(
                "FitOptions.ValidationSplit and ValidationInputs/ValidationLabels were both set; give one of them.",
                nameof(options));
        }
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        if (inputs.Rank != 2 || labels.Count != inputs.Shape[0])
        {
            return (inputs, labels, options); // the usual checks report the mismatch
        }
        var split = DataSplit.ValidationLast(inputs.Shape[0], options.ValidationSplit);
        return (RowSplit.SelectRows(inputs, split.Train), RowSplit.SelectRows(labels, split.Train),
            options with
            {
                ValidationInputs = RowSplit.SelectRows(inputs, split.HeldOut),
                ValidationLabels = RowSplit.SelectRows(labels, split.HeldOut),
                ValidationSplit = 0.0,
            });
    }

    /// <summary>One epoch's outcome: its metrics, or why it stopped part-way.</summary>
    private readonly record struct EpochOutcome(EpochMetrics? Metrics, (StopReason, string)? Stop);

    private EpochOutcome RunEpoch(TrainingRun run, int epoch, int epochs, IProgress<TrainingProgress>? progress,
        CancellationToken cancellationToken)
    {
        double lossSum = 0.0;
        int correct = 0, seen = 0;
        for (int batch = 0; batch < run.BatchCount; batch++)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return new EpochOutcome(null, (StopReason.Cancelled, batch == 0
                    ? $"Cancelled before epoch {Format(epoch)} began; {Format(epoch - 1)} epochs completed."
                    : $"Cancelled before batch {Format(batch + 1)} of epoch {Format(epoch)}."));
            }
            var (x, y) = _batches.Gather(run.Inputs, run.Labels, run.BatchRows(batch));
            double loss;
            int batchCorrect;
            try
            {
                loss = TrainStep(x, y, out batchCorrect);
            }
            catch (NonFiniteBatchException exception)
            {
                return new EpochOutcome(null, (StopReason.NonFiniteLoss,
                    $"The forward pass of batch {Format(batch + 1)} of epoch {Format(epoch)} met non-finite values; " +
                    $"stopped before updating the weights with it. In {Place(exception.Layer)}: {exception.Reason}"));
            }
            if (!double.IsFinite(loss))
            {
                return new EpochOutcome(null, (StopReason.NonFiniteLoss,
                    $"The training loss was {loss.ToString(CultureInfo.InvariantCulture)} at batch {Format(batch + 1)} " +
                    $"of epoch {Format(epoch)}; stopped before updating the weights with it. The first non-finite " +
                    $"output came from {Place(FirstNonFiniteLayer())}. Lower the learning rate, or scale the inputs."));
            }
            lossSum += loss * y.Length;
            correct += batchCorrect;
            seen += y.Length;
            progress?.Report(new TrainingProgress(epoch, epochs, batch + 1, run.BatchCount, lossSum / seen,
                (double)correct / seen, null));
        }

        // No cancellation check here: every batch of the epoch has trained the weights, so the epoch is complete and
        // its metrics are reported; a cancel that arrived during its last batch stops training before the next epoch.
        var validation = run.ValidationInputs is null
            ? null
            : _validation.Evaluate(run.ValidationInputs, run.ValidationLabels!, run.BatchSize);
        return new EpochOutcome(new EpochMetrics(epoch, lossSum / seen, (double)correct / seen, validation?.Loss,
            validation?.Accuracy), null);
    }

    /// <summary>Forward, loss, backward and update on one batch; skips the update when the loss is not finite.</summary>
    private double TrainStep(Tensor inputs, int[] labels, out int correct)
    {
        Optimizer.ZeroGrad();
        var logits = Model.Forward(inputs, ForwardMode.Training);
        double loss = _loss.Forward(logits, labels);
        correct = Accuracy.CountCorrect(logits, labels);
        if (double.IsFinite(loss))
        {
            Model.Backward(_loss.Backward(), computeInputGradient: false); // the data needs no gradient
            Optimizer.Step();
        }
        return loss;
    }

    /// <summary>A layer's place in the model for a message, e.g. <c>layer 3 (BatchNorm)</c>.</summary>
    private string Place(Layer? layer)
    {
        if (layer is null)
        {
            return "the loss";
        }
        string path = Model.PathTo(layer);
        return path.Length == 0 ? $"the model ({layer.GetType().Name})" : $"layer {path} ({layer.GetType().Name})";
    }

    /// <summary>The first layer without children whose last output holds NaN or infinity, or null (the loss).</summary>
    private Layer? FirstNonFiniteLayer() =>
        Model.NamedLayers().Select(entry => entry.Layer)
            .FirstOrDefault(layer => layer.Children.Count == 0 && layer.LastOutput is { } output
                && output.AsReadOnlySpan().IndexOfAnyExceptInRange(double.MinValue, double.MaxValue) >= 0);

    private static string EarlyStopMessage(EarlyStopping settings, EarlyStoppingMonitor stopping, int epoch)
    {
        string stalled = $"{settings.Monitor} did not improve for {Format(stopping.EpochsWithoutImprovement)} epochs";
        return stopping.Best is { } best
            ? $"{stalled} after epoch {Format(best.Epoch)}; stopped after epoch {Format(epoch)}."
            : $"{stalled} (every value was NaN); stopped after epoch {Format(epoch)}.";
    }

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);
}
