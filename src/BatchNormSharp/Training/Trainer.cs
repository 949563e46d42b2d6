using System.Globalization;

namespace BatchNormSharp;

/// <summary>
/// Trains a model epoch by epoch with any loss and optimizer: Keras's <c>model.fit</c>, with shuffling from an explicit
/// seed, validation (data or a split), Keras-style progress, cancellation, early stopping, gradient clipping and
/// learning-rate schedules.
/// </summary>
/// <remarks>
/// <para>Each batch does what a hand-written loop does:
/// <code>
/// optimizer.ZeroGrad();
/// Tensor outputs = model.Forward(inputs, ForwardMode.Training);
/// double loss = lossFunction.Forward(outputs, targets);
/// model.Backward(lossFunction.Backward(), computeInputGradient: false);
/// optimizer.Step();
/// </code>
/// and the trainer adds the bookkeeping around it. Steady-state batches reuse their storage and allocate nothing.</para>
/// <para>The loss decides the task (<see cref="ILoss.Task"/>): class-index targets and accuracy for
/// <see cref="SoftmaxCrossEntropy"/> (the default), 0/1 targets and accuracy at probability 0.5 for
/// <see cref="BinaryCrossEntropyWithLogits"/>, real targets and the mean absolute error for
/// <see cref="MeanSquaredError"/>.</para>
/// <para>Fit returns a <see cref="TrainingHistory"/> for every way of stopping: it does not throw on cancellation
/// (the history says <see cref="StopReason.Cancelled"/>), and it stops at the first batch whose loss is NaN or
/// infinite, or whose batch statistics a <see cref="BatchNorm"/> refuses as NaN or infinite, before that batch
/// updates the weights (<see cref="StopReason.NonFiniteLoss"/>, naming the layer). Inputs holding NaN are refused
/// before anything trains.</para>
/// <para>A trainer is not thread-safe; nor is the model while it trains.</para>
/// </remarks>
public sealed class Trainer
{
    private readonly BatchBuffer _batches = new();
    private readonly BatchedInference _validation;

    /// <summary>Creates a trainer for <paramref name="model"/> that updates it with <paramref name="optimizer"/>.</summary>
    /// <param name="model">The model; for the default loss, a classifier whose output is one logit per class.</param>
    /// <param name="optimizer">The optimizer, built over the model's parameters (all of them, and no others).</param>
    /// <param name="loss">The loss; <see cref="SoftmaxCrossEntropy"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The optimizer does not update exactly the model's parameters: it was built
    /// over another model, or leaves some of this model's parameters out. The message names each.</exception>
    public Trainer(Layer model, IOptimizer optimizer, ILoss? loss = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        OptimizerCoverage.Require(model, optimizer, nameof(optimizer));
        Model = model;
        Optimizer = optimizer;
        Loss = loss ?? new SoftmaxCrossEntropy();
        _validation = new BatchedInference(model);
    }

    /// <summary>The model being trained.</summary>
    public Layer Model { get; }

    /// <summary>The optimizer that updates the model.</summary>
    public IOptimizer Optimizer { get; }

    /// <summary>The loss the model is trained on; its <see cref="ILoss.Task"/> decides how outputs are scored.</summary>
    public ILoss Loss { get; }

    /// <summary>Trains a classifier on <paramref name="inputs"/> and class-index <paramref name="labels"/>.</summary>
    /// <param name="inputs">The training rows, batch first (<c>[rows, features]</c>).</param>
    /// <param name="labels">The class of each row, in <c>[0, classes)</c>.</param>
    /// <param name="options">Epochs, batch size, seed, validation, early stopping, clipping, schedules and verbosity;
    /// defaults when <see langword="null"/>.</param>
    /// <param name="progress">Receives a report after every batch and at the end of every epoch; replaces the console
    /// progress of <see cref="FitOptions.Verbosity"/>.</param>
    /// <param name="cancellationToken">Checked before every batch (see the other overload).</param>
    /// <returns>The metrics of every completed epoch and why training stopped.</returns>
    /// <exception cref="ArgumentException">As for the other overload; labels out of range are named, with a hint when
    /// they look 1-based.</exception>
    public TrainingHistory Fit(Tensor inputs, IReadOnlyList<int> labels, FitOptions? options = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Fit(inputs, TargetChecks.FromLabels(labels, nameof(labels)), nameof(labels), options, progress,
            cancellationToken);

    /// <summary>Trains the model on <paramref name="inputs"/> and <paramref name="targets"/>.</summary>
    /// <param name="inputs">The training rows, batch first: <c>[rows, features]</c>, or <c>[rows, time, features]</c>
    /// for a recurrent model.</param>
    /// <param name="targets">What the loss takes: class indices <c>[rows]</c>, 0/1 values or real values of the
    /// output's shape (<c>[rows]</c> is accepted for one output).</param>
    /// <param name="options">Epochs, batch size, seed, validation, early stopping, clipping, schedules and verbosity;
    /// defaults when <see langword="null"/>.</param>
    /// <param name="progress">Receives a report after every batch and at the end of every epoch; replaces the console
    /// progress of <see cref="FitOptions.Verbosity"/>.</param>
    /// <param name="cancellationToken">Checked before every batch: when signalled, training stops before the next batch
    /// and the history says <see cref="StopReason.Cancelled"/>. An epoch whose batches have all run is complete (its
    /// weights were trained): it is validated, listed and reported even when the cancel arrived during its last batch,
    /// and training then stops before the next epoch, or returns <see cref="StopReason.Completed"/> after the last.</param>
    /// <returns>The metrics of every completed epoch and why training stopped.</returns>
    /// <exception cref="ArgumentException">The data do not fit the model or the loss (shapes, NaN inputs, targets out
    /// of range), the validation data are incomplete, or the options cannot work (batch size 1 with BatchNorm, early
    /// stopping on validation metrics without validation data, a metric the task does not report, no batch to train
    /// on). Checked before anything changes.</exception>
    public TrainingHistory Fit(Tensor inputs, Tensor targets, FitOptions? options = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Fit(inputs, targets, nameof(targets), options, progress, cancellationToken);

    private TrainingHistory Fit(Tensor inputs, Tensor targets, string targetsName, FitOptions? options,
        IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        options ??= new FitOptions();
        (inputs, targets, options) = HoldOutValidation(inputs, targets, options);
        var run = TrainingRun.Check(Model, Loss, inputs, targets, options, targetsName);
        RequireScheduleOfThisOptimizer(options);
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

    /// <summary>The predictions of the model, read through the link of the trainer's loss (softmax, sigmoid, or the
    /// values for regression); see <see cref="InferenceExtensions.Predict(Layer, Tensor, LossTask, int)"/>.</summary>
    /// <param name="inputs">The rows, batch first.</param>
    /// <param name="batchSize">Rows per forward pass.</param>
    /// <returns>The predictions.</returns>
    public Prediction Predict(Tensor inputs, int batchSize = InferenceExtensions.DefaultBatchSize) =>
        Model.Predict(inputs, Loss.Task, batchSize);

    /// <summary>The loss and the task's metrics on labelled data, in inference mode; see
    /// <see cref="InferenceExtensions.Evaluate(Layer, Tensor, Tensor, ILoss, int)"/>.</summary>
    /// <param name="inputs">The rows, batch first.</param>
    /// <param name="targets">The targets, as for <see cref="Fit(Tensor, Tensor, FitOptions?, IProgress{TrainingProgress}?, CancellationToken)"/>.</param>
    /// <param name="batchSize">Rows per forward pass.</param>
    /// <returns>The loss and metrics.</returns>
    public EvaluationResult Evaluate(Tensor inputs, Tensor targets, int batchSize = InferenceExtensions.DefaultBatchSize) =>
        Model.Evaluate(inputs, targets, Loss, batchSize);

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
            var outcome = RunEpoch(run, options, epoch, progress, cancellationToken);
            if (outcome.Stop is { } stop)
            {
                (reason, message) = stop;
                break;
            }

            var metrics = outcome.Metrics!;
            epochs.Add(metrics);
            progress?.Report(new TrainingProgress(epoch, options.Epochs, run.BatchCount, run.BatchCount,
                metrics.TrainingLoss, metrics.TrainingAccuracy ?? metrics.TrainingMeanAbsoluteError ?? 0.0, metrics)
            { MetricName = MetricName });
            StepSchedules(options, metrics);
            if (stopping is not null && stopping.ShouldStop(metrics))
            {
                (reason, message) = (StopReason.EarlyStopped, EarlyStopMessage(options.EarlyStopping!, stopping, epoch));
                break;
            }
        }

        bool restored = stopping?.RestoreBestWeights() ?? false;
        return new TrainingHistory(epochs, reason, message, stopping?.Best, restored);
    }

    /// <summary>Keras's name for the per-epoch metric of this task, as progress lines print it.</summary>
    private string MetricName => Loss.Task == LossTask.Regression ? "mae" : "accuracy";

    private static void StepSchedules(FitOptions options, EpochMetrics metrics)
    {
        options.LearningRateSchedule?.Step();
        if (options.ReduceLearningRateOnPlateau is { } plateau && metrics.Get(options.PlateauMonitor) is { } value)
        {
            plateau.Step(value);
        }
    }

    private void RequireScheduleOfThisOptimizer(FitOptions options)
    {
        if ((options.LearningRateSchedule is { } schedule && !ReferenceEquals(schedule.Optimizer, Optimizer))
            || (options.ReduceLearningRateOnPlateau is { } plateau && !ReferenceEquals(plateau.Optimizer, Optimizer)))
        {
            throw new ArgumentException(
                "The learning-rate schedule was built over another optimizer than the trainer's, so it would change a " +
                "learning rate nobody uses. Build it over trainer.Optimizer.", nameof(options));
        }
    }

    /// <summary>Splits off <see cref="FitOptions.ValidationSplit"/>'s last rows as the validation data, as Keras does.</summary>
    private static (Tensor, Tensor, FitOptions) HoldOutValidation(Tensor inputs, Tensor targets, FitOptions options)
    {
        if (options.ValidationSplit == 0.0)
        {
            return (inputs, targets, options);
        }
        if (options.ValidationInputs is not null || options.ValidationLabels is not null || options.ValidationTargets is not null)
        {
            throw new ArgumentException(
                "FitOptions.ValidationSplit and ValidationInputs/ValidationLabels were both set; give one of them.",
                nameof(options));
        }
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        if (inputs.Rank < 2 || targets.Rank == 0 || targets.Shape[0] != inputs.Shape[0])
        {
            return (inputs, targets, options); // the usual checks report the mismatch
        }
        var split = DataSplit.ValidationLast(inputs.Shape[0], options.ValidationSplit);
        return (RowSplit.SelectRows(inputs, split.Train), RowSplit.SelectRows(targets, split.Train),
            options with
            {
                ValidationInputs = RowSplit.SelectRows(inputs, split.HeldOut),
                ValidationTargets = RowSplit.SelectRows(targets, split.HeldOut),
                ValidationSplit = 0.0,
            });
    }

    /// <summary>One epoch's outcome: its metrics, or why it stopped part-way.</summary>
    private readonly record struct EpochOutcome(EpochMetrics? Metrics, (StopReason, string)? Stop);

    private EpochOutcome RunEpoch(TrainingRun run, FitOptions options, int epoch, IProgress<TrainingProgress>? progress,
        CancellationToken cancellationToken)
    {
        double lossSum = 0.0, scoreSum = 0.0;
        int rowsSeen = 0, scored = 0;
        for (int batch = 0; batch < run.BatchCount; batch++)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return new EpochOutcome(null, (StopReason.Cancelled, batch == 0
                    ? $"Cancelled before epoch {Format(epoch)} began; {Format(epoch - 1)} epochs completed."
                    : $"Cancelled before batch {Format(batch + 1)} of epoch {Format(epoch)}."));
            }
            var (x, y) = _batches.Gather(run.Inputs, run.Targets, run.BatchRows(batch));
            double loss;
            (double Sum, int Count) score;
            try
            {
                loss = TrainStep(x, y, options, out score);
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
            int rows = x.Shape[0];
            lossSum += loss * rows;
            rowsSeen += rows;
            scoreSum += score.Sum;
            scored += score.Count;
            progress?.Report(new TrainingProgress(epoch, options.Epochs, batch + 1, run.BatchCount, lossSum / rowsSeen,
                scoreSum / scored, null) { MetricName = MetricName });
        }

        // No cancellation check here: every batch of the epoch has trained the weights, so the epoch is complete and
        // its metrics are reported; a cancel that arrived during its last batch stops training before the next epoch.
        var validation = run.ValidationInputs is null
            ? null
            : _validation.Evaluate(run.ValidationInputs, run.ValidationTargets!, Loss, run.BatchSize, detailed: false);
        bool regression = Loss.Task == LossTask.Regression;
        return new EpochOutcome(new EpochMetrics(epoch, lossSum / rowsSeen, regression ? null : scoreSum / scored,
            validation?.Loss, regression ? null : validation?.Accuracy)
        {
            TrainingMeanAbsoluteError = regression ? scoreSum / scored : null,
            ValidationMeanAbsoluteError = regression ? validation?.MeanAbsoluteError : null,
        }, null);
    }

    /// <summary>Forward, loss, backward, clipping and update on one batch; skips the update when the loss is not finite.</summary>
    private double TrainStep(Tensor inputs, Tensor targets, FitOptions options, out (double Sum, int Count) score)
    {
        Optimizer.ZeroGrad();
        var outputs = Model.Forward(inputs, ForwardMode.Training);
        double loss = Loss.Forward(outputs, targets);
        score = TaskScore.Of(Loss.Task, outputs, targets);
        if (double.IsFinite(loss))
        {
            Model.Backward(Loss.Backward(), computeInputGradient: false); // the data needs no gradient
            if (options.ClipGradientNorm is { } maxNorm)
            {
                GradientClipping.ClipGradNorm(Optimizer.Parameters, maxNorm);
            }
            if (options.ClipGradientValue is { } maxValue)
            {
                GradientClipping.ClipGradValue(Optimizer.Parameters, maxValue);
            }
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
