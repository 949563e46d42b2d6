using System.Diagnostics;
using System.Globalization;

namespace BatchNormSharp;

/// <summary>
/// Prints training progress as Keras does:
/// <c>Epoch 3/15 - 7/7 - 2 ms/step - loss: 0.6437 - accuracy: 0.6570 - val_loss: 0.7012 - val_accuracy: 0.5000</c>.
/// </summary>
/// <remarks>
/// <para>On a terminal the current epoch's line is redrawn in place (a carriage return, at most every
/// <see cref="RedrawInterval"/>) as batches go by, and finished with the validation metrics and a new line at the end
/// of the epoch. When the output is redirected to a file or a CI log, only the finished line of each epoch is
/// printed, so a log holds one line per epoch and no carriage returns.</para>
/// <para>The time per step is the epoch's training time (first batch to last, validation excluded) divided by its
/// batches, measured with <see cref="Stopwatch"/>; under a millisecond it is shown in microseconds, as Keras does.
/// Numbers use the invariant culture. A redraw formats into a reused buffer and allocates nothing; a finished line
/// allocates nothing either.</para>
/// <para>Make one for each <see cref="Trainer.Fit(Tensor, Tensor, FitOptions?, IProgress{TrainingProgress}?, CancellationToken)"/> call, just before it: the first epoch's time counts from the
/// reporter's creation (or from the last <see cref="Finish"/>).</para>
/// <para>Reports must arrive in order on one thread, as <see cref="Trainer.Fit(Tensor, Tensor, FitOptions?, IProgress{TrainingProgress}?, CancellationToken)"/> sends them to a synchronous
/// <see cref="IProgress{T}"/>: pass this object itself, not wrapped in <see cref="Progress{T}"/>.</para>
/// </remarks>
public sealed class ConsoleProgress : IProgress<TrainingProgress>
{
    /// <summary>The shortest time between two redraws of the line on a terminal.</summary>
    public static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(50);

    private readonly TextWriter _writer;
    private readonly Func<long> _clock;
    private readonly long _ticksPerSecond;
    private readonly long _redrawTicks;
    private char[] _line = new char[160];
    private int _length;
    private int _drawnLength;
    private bool _lineOpen;
    private int _epoch;
    private long _epochStart;
    private long _lastBatchTime;
    private long _lastRedraw;

    /// <summary>Prints to <see cref="Console.Out"/>, redrawing one line when the output is a terminal
    /// (<see cref="Console.IsOutputRedirected"/> is <see langword="false"/>) and printing one line per epoch when it
    /// is redirected.</summary>
    public ConsoleProgress()
        : this(Console.Out, redraw: !Console.IsOutputRedirected)
    {
    }

    /// <summary>Prints to <paramref name="writer"/>.</summary>
    /// <param name="writer">Where the lines go, e.g. a <see cref="StringWriter"/> in a test.</param>
    /// <param name="redraw"><see langword="true"/> to redraw the current line after every batch (for a terminal);
    /// <see langword="false"/> to print only the finished line of each epoch (for a file or log).</param>
    /// <exception cref="ArgumentNullException"><paramref name="writer"/> is <see langword="null"/>.</exception>
    public ConsoleProgress(TextWriter writer, bool redraw)
        : this(writer, redraw, Stopwatch.GetTimestamp, Stopwatch.Frequency)
    {
    }

    /// <summary>With a clock of <paramref name="ticksPerSecond"/> ticks per second, so that tests can set the time.</summary>
    internal ConsoleProgress(TextWriter writer, bool redraw, Func<long> clock, long ticksPerSecond)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writer = writer;
        Redraw = redraw;
        _clock = clock;
        _ticksPerSecond = ticksPerSecond;
        _redrawTicks = (long)(RedrawInterval.TotalSeconds * ticksPerSecond);
        _epochStart = clock();
        _lastRedraw = long.MinValue;
    }

    /// <summary>Whether the line is redrawn after every batch (a terminal) or printed once per epoch (redirected
    /// output).</summary>
    public bool Redraw { get; }

    /// <inheritdoc/>
    public void Report(TrainingProgress value)
    {
        long now = _clock();
        if (value.Epoch != _epoch)
        {
            // A new epoch: its first batch started when the previous epoch's report came (or when this object was
            // made, for the first), which also counts the shuffle, a negligible part.
            _epoch = value.Epoch;
            _lastRedraw = long.MinValue;
        }
        if (value.CompletedEpoch is { } completed)
        {
            Compose(value, _lastBatchTime, completed);
            if (Redraw)
            {
                WriteRedrawn();
            }
            else
            {
                _writer.Write(_line.AsSpan(0, _length));
            }
            _writer.WriteLine();
            _writer.Flush();
            _lineOpen = false;
            _drawnLength = 0;
            _epochStart = now;
            _epoch = 0; // the next report, even of the same epoch number in a second Fit, starts a new line
            return;
        }

        _lastBatchTime = now;
        if (Redraw && (value.Batch == value.Batches || _lastRedraw == long.MinValue || now - _lastRedraw >= _redrawTicks))
        {
            Compose(value, now, completed: null);
            WriteRedrawn();
            _writer.Flush();
            _lastRedraw = now;
            _lineOpen = true;
        }
    }

    /// <summary>
    /// Ends a line left open by a redraw when training stopped part-way through an epoch (cancelled, or a
    /// non-finite loss), so that what is printed next starts on a line of its own, and restarts the clock for a next
    /// <see cref="Trainer.Fit(Tensor, Tensor, FitOptions?, IProgress{TrainingProgress}?, CancellationToken)"/>. Writes nothing when no line is open.
    /// </summary>
    public void Finish()
    {
        if (_lineOpen)
        {
            _writer.WriteLine();
            _writer.Flush();
            _lineOpen = false;
            _drawnLength = 0;
        }
        _epoch = 0;
        _epochStart = _clock();
    }

    /// <summary>Writes the composed line over the one drawn before, blanking what the old line had beyond it.</summary>
    private void WriteRedrawn()
    {
        int blank = Math.Max(0, _drawnLength - _length);
        _writer.Write('\r');
        _writer.Write(_line.AsSpan(0, _length));
        for (int i = 0; i < blank; i++)
        {
            _writer.Write(' ');
        }
        _drawnLength = _length;
    }

    private void Compose(TrainingProgress value, long batchEnd, EpochMetrics? completed)
    {
        _length = 0;
        Append("Epoch ");
        Append(value.Epoch);
        Append('/');
        Append(value.Epochs);
        Append(" - ");
        Append(value.Batch);
        Append('/');
        Append(value.Batches);
        Append(" - ");
        AppendStepTime(batchEnd, value.Batch);
        Append(" - loss: ");
        Append(completed?.TrainingLoss ?? value.Loss);
        Append(" - ");
        Append(value.MetricName);
        Append(": ");
        Append(completed?.TrainingAccuracy ?? completed?.TrainingMeanAbsoluteError ?? value.Accuracy);
        if (completed?.ValidationLoss is { } validationLoss)
        {
            Append(" - val_loss: ");
            Append(validationLoss);
        }
        if ((completed?.ValidationAccuracy ?? completed?.ValidationMeanAbsoluteError) is { } validationMetric)
        {
            Append(" - val_");
            Append(value.MetricName);
            Append(": ");
            Append(validationMetric);
        }
    }

    private void AppendStepTime(long batchEnd, int batches)
    {
        double seconds = Math.Max(0, batchEnd - _epochStart) / (double)_ticksPerSecond / Math.Max(1, batches);
        double milliseconds = seconds * 1e3;
        if (milliseconds >= 1.0)
        {
            Append(Math.Round(milliseconds), "F0");
            Append(" ms/step");
        }
        else
        {
            Append(Math.Round(milliseconds * 1e3), "F0");
            Append(" us/step");
        }
    }

    private void Append(string text)
    {
        Reserve(text.Length);
        text.CopyTo(_line.AsSpan(_length));
        _length += text.Length;
    }

    private void Append(char character)
    {
        Reserve(1);
        _line[_length++] = character;
    }

    private void Append(int number)
    {
        Reserve(11);
        number.TryFormat(_line.AsSpan(_length), out int written, provider: CultureInfo.InvariantCulture);
        _length += written;
    }

    private void Append(double number, string format = "F4")
    {
        // F4 of a huge loss can be long; make room for the longest double in fixed notation.
        int written;
        while (!number.TryFormat(_line.AsSpan(_length), out written, format, CultureInfo.InvariantCulture))
        {
            Array.Resize(ref _line, _line.Length * 2);
        }
        _length += written;
    }

    private void Reserve(int extra)
    {
        if (_length + extra > _line.Length)
        {
            Array.Resize(ref _line, Math.Max(_line.Length * 2, _length + extra));
        }
    }
}
