using System.Globalization;

namespace BatchNormSharp;

/// <summary>
/// A <see cref="IStepBatchNorm"/> with PyTorch <c>BatchNorm1d</c>'s arithmetic (GUIDE §1) and one or several slots
/// of running statistics: one slot shared by every time step (the seed's cell: the statistics move at every step), or
/// one per time step up to a maximum length (Cooijmans et al.: step t uses slot <c>min(t, slots - 1)</c>). The affine
/// parameters γ and β are shared by all steps; β may be absent (fixed at 0).
/// </summary>
/// <remarks>
/// Interim arithmetic for the batch-normalised LSTM cells: a plain two-pass implementation kept in this one file, to
/// be replaced by the library's stateless BatchNorm functions (one cache per time step) once they are merged; the cells
/// only see <see cref="IStepBatchNorm"/>.
/// </remarks>
internal sealed class StepBatchNorm : IStepBatchNorm
{
    private readonly double[][] _runningMean, _runningVar;
    private readonly long[] _numBatchesTracked;
    private double[][] _xhat = [];        // per time step [batch, F]
    private double[][] _invStd = [];      // per time step [F]
    private bool[] _usedBatchStatistics = [];
    private readonly double[] _mean, _sumSq, _sumDy, _sumDyXhat;

    /// <summary>Creates the normalisation of <paramref name="features"/> features with γ = <paramref name="gamma"/>, β = 0.</summary>
    /// <param name="features">The features F.</param>
    /// <param name="slots">1: statistics shared by every step; n: one slot per step, the last reused beyond n.</param>
    /// <param name="gamma">The initial γ (1 in PyTorch, 0.1 in Cooijmans et al.).</param>
    /// <param name="hasBeta">Whether β exists and is trained; without it the shift is fixed at 0.</param>
    /// <param name="eps">Added to the variance inside the root.</param>
    /// <param name="momentum">The weight of the new batch in the running statistics.</param>
    public StepBatchNorm(int features, int slots, double gamma = 1.0, bool hasBeta = true, double eps = 1e-5, double momentum = 0.1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(features);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(slots);
        Features = features;
        Eps = eps;
        Momentum = momentum;
        Gamma = new double[features];
        Array.Fill(Gamma, gamma);
        GammaGradient = new double[features];
        Beta = hasBeta ? new double[features] : null;
        BetaGradient = hasBeta ? new double[features] : null;
        _runningMean = new double[slots][];
        _runningVar = new double[slots][];
        _numBatchesTracked = new long[slots];
        for (int s = 0; s < slots; s++)
        {
            _runningMean[s] = new double[features];
            _runningVar[s] = new double[features];
            Array.Fill(_runningVar[s], 1.0);
        }
        _mean = new double[features];
        _sumSq = new double[features];
        _sumDy = new double[features];
        _sumDyXhat = new double[features];
    }

    /// <inheritdoc/>
    public int Features { get; }

    /// <summary>The number of slots of running statistics.</summary>
    public int Slots => _runningMean.Length;

    /// <summary>Added to the variance inside the root.</summary>
    public double Eps { get; }

    /// <summary>The weight of the new batch in the running statistics.</summary>
    public double Momentum { get; }

    /// <summary>γ, shared by every step.</summary>
    public double[] Gamma { get; }

    /// <summary>The gradient of γ (added to by <see cref="Backward"/>).</summary>
    public double[] GammaGradient { get; }

    /// <summary>β, or null when the shift is fixed at 0.</summary>
    public double[]? Beta { get; }

    /// <summary>The gradient of β, or null without β.</summary>
    public double[]? BetaGradient { get; }

    /// <summary>The running mean of a slot.</summary>
    /// <param name="slot">The slot (0 when shared).</param>
    public double[] RunningMean(int slot) => _runningMean[slot];

    /// <summary>The running (unbiased) variance of a slot.</summary>
    /// <param name="slot">The slot (0 when shared).</param>
    public double[] RunningVar(int slot) => _runningVar[slot];

    /// <summary>How many training batches moved a slot's statistics.</summary>
    /// <param name="slot">The slot (0 when shared).</param>
    public long NumBatchesTracked(int slot) => _numBatchesTracked[slot];

    /// <summary>Sets how many training batches moved a slot's statistics (loading a state).</summary>
    /// <param name="slot">The slot.</param>
    /// <param name="value">The count.</param>
    public void SetNumBatchesTracked(int slot, long value) => _numBatchesTracked[slot] = value;

    /// <inheritdoc/>
    public void Forward(int step, int batch, ReadOnlySpan<double> input, Span<double> output, bool training)
    {
        int F = Features;
        if (training && batch < 2)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"StepBatchNorm expected more than 1 value per feature when training, got a batch of {batch}; train with batches of 2 or more sequences."),
                nameof(batch));
        }
        Prepare(step, batch);
        int slot = Math.Min(step, Slots - 1);
        Span<double> xhat = _xhat[step].AsSpan(0, batch * F);
        Span<double> invStd = _invStd[step];
        if (training)
        {
            // Two passes: the mean first, then the squared deviations from it.
            Array.Clear(_mean);
            Array.Clear(_sumSq);
            for (int r = 0; r < batch; r++)
            {
                for (int j = 0; j < F; j++)
                {
                    _mean[j] += input[r * F + j];
                }
            }
            for (int j = 0; j < F; j++)
            {
                _mean[j] /= batch;
            }
            for (int r = 0; r < batch; r++)
            {
                for (int j = 0; j < F; j++)
                {
                    double d = input[r * F + j] - _mean[j];
                    _sumSq[j] += d * d;
                }
            }
            double[] runningMean = _runningMean[slot], runningVar = _runningVar[slot];
            for (int j = 0; j < F; j++)
            {
                invStd[j] = 1.0 / Math.Sqrt(_sumSq[j] / batch + Eps);
                runningMean[j] = (1.0 - Momentum) * runningMean[j] + Momentum * _mean[j];
                runningVar[j] = (1.0 - Momentum) * runningVar[j] + Momentum * (_sumSq[j] / (batch - 1));
            }
            _numBatchesTracked[slot]++;
        }
        else
        {
            _runningMean[slot].CopyTo(_mean, 0);
            for (int j = 0; j < F; j++)
            {
                invStd[j] = 1.0 / Math.Sqrt(_runningVar[slot][j] + Eps);
            }
        }
        for (int r = 0; r < batch; r++)
        {
            for (int j = 0; j < F; j++)
            {
                double h = (input[r * F + j] - _mean[j]) * invStd[j];
                xhat[r * F + j] = h;
                output[r * F + j] = h * Gamma[j] + (Beta is null ? 0.0 : Beta[j]);
            }
        }
        _usedBatchStatistics[step] = training;
    }

    /// <inheritdoc/>
    public void Backward(int step, int batch, ReadOnlySpan<double> outputGradient, Span<double> inputGradient)
    {
        if (step >= _xhat.Length || _xhat[step].Length < batch * Features)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"StepBatchNorm.Backward: no forward pass of {batch} rows at step {step}; run Forward for that step first."));
        }
        int F = Features;
        ReadOnlySpan<double> xhat = _xhat[step].AsSpan(0, batch * F);
        ReadOnlySpan<double> invStd = _invStd[step];
        Array.Clear(_sumDy);
        Array.Clear(_sumDyXhat);
        for (int r = 0; r < batch; r++)
        {
            for (int j = 0; j < F; j++)
            {
                double dy = outputGradient[r * F + j];
                _sumDy[j] += dy;
                _sumDyXhat[j] += dy * xhat[r * F + j];
            }
        }
        for (int j = 0; j < F; j++)
        {
            GammaGradient[j] += _sumDyXhat[j];
            if (BetaGradient is not null)
            {
                BetaGradient[j] += _sumDy[j];
            }
        }
        bool batchStatistics = _usedBatchStatistics[step];
        for (int r = 0; r < batch; r++)
        {
            for (int j = 0; j < F; j++)
            {
                double scale = Gamma[j] * invStd[j];
                double dy = outputGradient[r * F + j];
                inputGradient[r * F + j] = batchStatistics
                    ? scale * (dy - _sumDy[j] / batch - xhat[r * F + j] * (_sumDyXhat[j] / batch))
                    : scale * dy;
            }
        }
    }

    /// <summary>Clears the gradients of γ and β.</summary>
    public void ZeroGradients()
    {
        Array.Clear(GammaGradient);
        if (BetaGradient is not null)
        {
            Array.Clear(BetaGradient);
        }
    }

    private void Prepare(int step, int batch)
    {
        if (_xhat.Length <= step)
        {
            int length = Math.Max(step + 1, 2 * _xhat.Length);
            var xhat = new double[length][];
            var invStd = new double[length][];
            var used = new bool[length];
            _xhat.CopyTo(xhat, 0);
            _invStd.CopyTo(invStd, 0);
            _usedBatchStatistics.CopyTo(used, 0);
            for (int t = _xhat.Length; t < length; t++)
            {
                xhat[t] = [];
                invStd[t] = new double[Features];
            }
            _xhat = xhat;
            _invStd = invStd;
            _usedBatchStatistics = used;
        }
        if (_xhat[step].Length < batch * Features)
        {
            _xhat[step] = new double[batch * Features];
        }
    }
}
