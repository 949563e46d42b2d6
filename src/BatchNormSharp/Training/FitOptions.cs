using System.Globalization;

namespace BatchNormSharp;

/// <summary>How <see cref="Trainer.Fit(Tensor, Tensor, FitOptions?, IProgress{TrainingProgress}?, CancellationToken)"/> trains: Keras's <c>fit</c> arguments, with an explicit seed.</summary>
/// <remarks>
/// <para><b>Batches.</b> Each epoch visits the training rows in a new order drawn from <see cref="Seed"/> (unless
/// <see cref="Shuffle"/> is off) and cuts them into batches of <see cref="BatchSize"/> rows; the last, smaller batch is
/// kept unless <see cref="DropLastPartialBatch"/> is set. A last batch of exactly one row is always dropped, because
/// BatchNorm cannot normalise a single row with its own statistics.</para>
/// <para><b>Reproducibility.</b> The same seed, data, model and optimizer give bit-identical weights.</para>
/// </remarks>
public sealed record FitOptions
{
    private readonly int _epochs = 10;
    private readonly int _batchSize = 32;
    private readonly double _validationSplit;
    private readonly double? _clipNorm;
    private readonly double? _clipValue;
    private readonly FitVerbosity _verbosity = FitVerbosity.Progress;

    /// <summary>The number of passes over the training data; at least 1. Default 10.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int Epochs
    {
        get => _epochs;
        init => _epochs = AtLeastOne(value, nameof(Epochs));
    }

    /// <summary>The number of rows per batch; at least 1 (at least 2 for a model with BatchNorm). Default 32.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int BatchSize
    {
        get => _batchSize;
        init => _batchSize = AtLeastOne(value, nameof(BatchSize));
    }

    /// <summary>The seed of the shuffling; the same seed gives the same order of batches. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Whether to visit the rows in a new random order each epoch. Default <see langword="true"/>.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Whether to skip the last batch of each epoch when it has fewer than <see cref="BatchSize"/> rows.
    /// Default <see langword="false"/> (it is trained on).</summary>
    public bool DropLastPartialBatch { get; init; }

    /// <summary>Inputs to evaluate in inference mode after every epoch, shape <c>[rows, features]</c>; set together
    /// with <see cref="ValidationLabels"/>.</summary>
    public Tensor? ValidationInputs { get; init; }

    /// <summary>The class of each validation row; set together with <see cref="ValidationInputs"/>.</summary>
    public IReadOnlyList<int>? ValidationLabels { get; init; }

    /// <summary>The validation targets in the form the loss takes (0/1 values for a binary loss, real values for
    /// regression, class indices); set together with <see cref="ValidationInputs"/>, instead of
    /// <see cref="ValidationLabels"/>.</summary>
    public Tensor? ValidationTargets { get; init; }

    /// <summary>
    /// Rescales the gradients before each step so that their global 2-norm is at most this value (PyTorch's
    /// <c>clip_grad_norm_</c>, see <see cref="GradientClipping.ClipGradNorm"/>); <see langword="null"/> (the default)
    /// for no clipping.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a finite number greater than 0.</exception>
    public double? ClipGradientNorm
    {
        get => _clipNorm;
        init => _clipNorm = PositiveOrNull(value, nameof(ClipGradientNorm));
    }

    /// <summary>
    /// Clamps every gradient value into <c>[-v, v]</c> before each step (PyTorch's <c>clip_grad_value_</c>, the seed
    /// notebook's clipping to ±1); <see langword="null"/> (the default) for none. Applied after
    /// <see cref="ClipGradientNorm"/> when both are set.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a finite number greater than 0.</exception>
    public double? ClipGradientValue
    {
        get => _clipValue;
        init => _clipValue = PositiveOrNull(value, nameof(ClipGradientValue));
    }

    /// <summary>A learning-rate schedule stepped once after every epoch (StepLR, ExponentialLR, CosineAnnealingLR),
    /// as in PyTorch's loop; build it over the trainer's optimizer.</summary>
    public ILearningRateSchedule? LearningRateSchedule { get; init; }

    /// <summary>A plateau schedule stepped after every epoch with the value of <see cref="PlateauMonitor"/>; build it
    /// over the trainer's optimizer.</summary>
    public ReduceLROnPlateau? ReduceLearningRateOnPlateau { get; init; }

    /// <summary>The value <see cref="ReduceLearningRateOnPlateau"/> watches; the validation loss by default.</summary>
    public TrainingMetric PlateauMonitor { get; init; } = TrainingMetric.ValidationLoss;

    /// <summary>
    /// What <c>Fit</c> prints to the console when no progress reporter is passed to it, as Keras's <c>verbose</c>:
    /// <see cref="FitVerbosity.Progress"/> by default (a redrawn line on a terminal, a line per epoch when the output is
    /// redirected), <see cref="FitVerbosity.Silent"/> for nothing. A reporter passed to <c>Fit</c> replaces it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="FitVerbosity"/>.</exception>
    public FitVerbosity Verbosity
    {
        get => _verbosity;
        init => _verbosity = Enum.IsDefined(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Verbosity), value, $"Unknown verbosity {value}.");
    }

    /// <summary>
    /// The fraction of the training rows to hold out for validation, in [0, 1): Keras's <c>validation_split</c>. As in
    /// Keras, the <em>last</em> rows are held out, before any shuffling, so shuffle the data first if its order means
    /// something (or split yourself with <see cref="DataSplit.ValidationStratified"/> and pass
    /// <see cref="ValidationInputs"/>). 0 (the default) holds out nothing; cannot be combined with
    /// <see cref="ValidationInputs"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside [0, 1).</exception>
    public double ValidationSplit
    {
        get => _validationSplit;
        init => _validationSplit = value is >= 0.0 and < 1.0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(ValidationSplit), value,
                $"ValidationSplit must lie in [0, 1) (Keras's validation_split), but was {value.ToString(CultureInfo.InvariantCulture)}.");
    }

    /// <summary>Early stopping, or <see langword="null"/> (the default) to run every epoch.</summary>
    public EarlyStopping? EarlyStopping { get; init; }

    private static int AtLeastOne(int value, string name) => value >= 1
        ? value
        : throw new ArgumentOutOfRangeException(name, value,
            $"{name} must be at least 1, but was {value.ToString(CultureInfo.InvariantCulture)}.");

    private static double? PositiveOrNull(double? value, string name) => value is not { } v || (v > 0.0 && double.IsFinite(v))
        ? value
        : throw new ArgumentOutOfRangeException(name, value,
            $"{name} must be a finite number greater than 0, or null for none, but was {v.ToString(CultureInfo.InvariantCulture)}.");
}
