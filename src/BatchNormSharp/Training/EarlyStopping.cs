using System.Globalization;

namespace BatchNormSharp;

/// <summary>
/// Stops training when a metric has stopped improving: Keras's <c>EarlyStopping</c> callback, as an option of
/// <see cref="FitOptions"/>.
/// </summary>
/// <remarks>
/// After each epoch the monitored value is compared with the best so far; it counts as an improvement when it is
/// better by more than <see cref="MinDelta"/>. Training stops once <see cref="Patience"/> epochs in a row have not
/// improved. With <see cref="RestoreBestWeights"/>, the model's parameters and running statistics are set back to
/// those at the end of the best epoch whenever <see cref="Trainer.Fit(Tensor, Tensor, FitOptions?, IProgress{TrainingProgress}?, CancellationToken)"/> returns (however it stops).
/// </remarks>
public sealed record EarlyStopping
{
    private readonly int _patience;
    private readonly double _minDelta;

    /// <summary>The metric to watch. Default <see cref="TrainingMetric.ValidationLoss"/>.</summary>
    public TrainingMetric Monitor { get; init; } = TrainingMetric.ValidationLoss;

    /// <summary>How many epochs without improvement are tolerated before stopping; 0 or more. Default 0, as in
    /// Keras: stop at the first epoch that does not improve.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int Patience
    {
        get => _patience;
        init
        {
            if (value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(Patience), value,
                    $"Patience must be 0 or more, but was {value.ToString(CultureInfo.InvariantCulture)}.");
            }
            _patience = value;
        }
    }

    /// <summary>The smallest change that counts as an improvement; 0 or more. Default 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, infinite or NaN.</exception>
    public double MinDelta
    {
        get => _minDelta;
        init
        {
            if (!(value >= 0.0 && double.IsFinite(value)))
            {
                throw new ArgumentOutOfRangeException(nameof(MinDelta), value,
                    $"MinDelta must be a finite number of 0 or more, but was {value.ToString(CultureInfo.InvariantCulture)}.");
            }
            _minDelta = value;
        }
    }

    /// <summary>Whether to put back the weights and running statistics of the best epoch when training ends.
    /// Default <see langword="false"/>, as in Keras.</summary>
    public bool RestoreBestWeights { get; init; }
}
