using System.Globalization;

using BatchNormSharp.Kernels;

namespace BatchNormSharp;

/// <summary>
/// A <see cref="IStepBatchNorm"/> with PyTorch <c>BatchNorm1d</c>'s arithmetic (GUIDE §1) and one or several slots
/// of running statistics: one slot shared by every time step (the seed's cell: the statistics move at every step), or
/// one per time step up to a maximum length (Cooijmans et al.: step t uses slot <c>min(t, slots - 1)</c>). The affine
/// parameters γ and β are shared by all steps; β may be absent (fixed at 0).
/// </summary>
/// <remarks>
/// The batch-normalised LSTM cells' BatchNorm: GUIDE §1's two-pass formulas over the rows of one time step, each row's
/// features a vector loop (<see cref="FeatureVectors"/> and <see cref="Elementwise"/>: the columns in lanes, the rows
/// in order, so every column adds its rows in the same order as the scalar formula and the bits are those of the
/// scalar formula). It keeps x̂ per step (the pre-activations of a step are overwritten by the next), where
/// <see cref="BatchNormFunctions"/> re-reads the input; the cells only see <see cref="IStepBatchNorm"/>. γ, β and the
/// running statistics are memory the owner keeps (its own arrays, or a layer's parameter and buffer tensors), read in
/// place; a block of columns of wider rows can be normalised (<c>columnOffset</c>, <c>rowWidth</c>), so that four
/// per-gate BatchNorms with their own tensors serve one <c>[batch, 4H]</c> pre-activation without copies.
/// </remarks>
internal sealed class StepBatchNorm : IStepBatchNorm
{
    private readonly Memory<double>[] _runningMean, _runningVar, _numBatchesTracked;
    private double[][] _xhat = [];        // per time step [batch, F]
    private double[][] _invStd = [];      // per time step [F]
    private bool[] _usedBatchStatistics = [];
    private readonly double[] _mean, _sumSq, _sumDy, _sumDyXhat, _scale, _meanDy, _meanDyXhat;
    private readonly int _offset, _width;

    /// <summary>Creates the normalisation of <paramref name="features"/> features with γ = <paramref name="gamma"/>, β = 0,
    /// in arrays of its own.</summary>
    /// <param name="features">The features F.</param>
    /// <param name="slots">1: statistics shared by every step; n: one slot per step, the last reused beyond n.</param>
    /// <param name="gamma">The initial γ (1 in PyTorch, 0.1 in Cooijmans et al.).</param>
    /// <param name="hasBeta">Whether β exists and is trained; without it the shift is fixed at 0.</param>
    /// <param name="eps">Added to the variance inside the root.</param>
    /// <param name="momentum">The weight of the new batch in the running statistics.</param>
    public StepBatchNorm(int features, int slots, double gamma = 1.0, bool hasBeta = true, double eps = 1e-5, double momentum = 0.1)
        : this(features, Filled(features, gamma), new double[features], hasBeta ? new double[features] : Memory<double>.Empty,
            hasBeta ? new double[features] : Memory<double>.Empty, NewSlots(slots, features, 0.0), NewSlots(slots, features, 1.0),
            NewSlots(slots, 1, 0.0), eps, momentum)
    {
    }

    /// <summary>Wraps γ, β and running statistics that the owner keeps (a layer's tensors); nothing is copied.</summary>
    /// <param name="features">The features F.</param>
    /// <param name="gamma">γ, F values.</param>
    /// <param name="gammaGradient">Where dγ is added, F values.</param>
    /// <param name="beta">β, F values, or empty for a shift fixed at 0.</param>
    /// <param name="betaGradient">Where dβ is added, F values, or empty without β.</param>
    /// <param name="runningMean">The running mean of each slot, F values each.</param>
    /// <param name="runningVar">The running variance of each slot, F values each.</param>
    /// <param name="numBatchesTracked">The count of each slot, one value each.</param>
    /// <param name="eps">Added to the variance inside the root.</param>
    /// <param name="momentum">The weight of the new batch in the running statistics.</param>
    /// <param name="columnOffset">The first column this normalisation reads and writes in each row.</param>
    /// <param name="rowWidth">The width of the rows it is handed (F when 0).</param>
    public StepBatchNorm(
        int features, Memory<double> gamma, Memory<double> gammaGradient, Memory<double> beta, Memory<double> betaGradient,
        Memory<double>[] runningMean, Memory<double>[] runningVar, Memory<double>[] numBatchesTracked,
        double eps, double momentum, int columnOffset = 0, int rowWidth = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(features);
        ArgumentNullException.ThrowIfNull(runningMean);
        ArgumentNullException.ThrowIfNull(runningVar);
        ArgumentNullException.ThrowIfNull(numBatchesTracked);
        ArgumentOutOfRangeException.ThrowIfZero(runningMean.Length);
        ArgumentOutOfRangeException.ThrowIfNegative(columnOffset);
        if (gamma.Length != features || gammaGradient.Length != features || beta.Length != betaGradient.Length
            || (beta.Length != 0 && beta.Length != features) || runningVar.Length != runningMean.Length
            || numBatchesTracked.Length != runningMean.Length
            || runningMean.Any(m => m.Length != features) || runningVar.Any(v => v.Length != features)
            || numBatchesTracked.Any(n => n.Length != 1))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"StepBatchNorm expected γ, dγ (and β, dβ) of {features} values and, per slot, a running mean and variance of {features} values and one count."),
                nameof(gamma));
        }
        _width = rowWidth == 0 ? features : rowWidth;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(columnOffset + features, _width, nameof(rowWidth));
        _offset = columnOffset;
        Features = features;
        Eps = eps;
        Momentum = momentum;
        Gamma = gamma;
        GammaGradient = gammaGradient;
        Beta = beta;
        BetaGradient = betaGradient;
        _runningMean = runningMean;
        _runningVar = runningVar;
        _numBatchesTracked = numBatchesTracked;
        _mean = new double[features];
        _sumSq = new double[features];
        _sumDy = new double[features];
        _sumDyXhat = new double[features];
        _scale = new double[features];
        _meanDy = new double[features];
        _meanDyXhat = new double[features];
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
    public Memory<double> Gamma { get; }

    /// <summary>The gradient of γ (added to by <see cref="Backward"/>).</summary>
    public Memory<double> GammaGradient { get; }

    /// <summary>β, or empty when the shift is fixed at 0.</summary>
    public Memory<double> Beta { get; }

    /// <summary>The gradient of β, or empty without β.</summary>
    public Memory<double> BetaGradient { get; }

    /// <summary>The running mean of a slot.</summary>
    /// <param name="slot">The slot (0 when shared).</param>
    public Memory<double> RunningMean(int slot) => _runningMean[slot];

    /// <summary>The running (unbiased) variance of a slot.</summary>
    /// <param name="slot">The slot (0 when shared).</param>
    public Memory<double> RunningVar(int slot) => _runningVar[slot];

    /// <summary>How many training batches moved a slot's statistics.</summary>
    /// <param name="slot">The slot (0 when shared).</param>
    public long NumBatchesTracked(int slot) => (long)_numBatchesTracked[slot].Span[0];

    /// <summary>Sets how many training batches moved a slot's statistics (loading a state).</summary>
    /// <param name="slot">The slot.</param>
    /// <param name="value">The count.</param>
    public void SetNumBatchesTracked(int slot, long value) => _numBatchesTracked[slot].Span[0] = value;

    /// <summary>
    /// A copy that shares γ, β and the running statistics but has scratch and per-step caches of its own: an
    /// inference-mode forward pass on it writes nothing the original reads (a thread-safe inference path).
    /// </summary>
    public StepBatchNorm WithOwnScratch() => new(Features, Gamma, GammaGradient, Beta, BetaGradient, _runningMean,
        _runningVar, _numBatchesTracked, Eps, Momentum, _offset, _width);

    /// <inheritdoc/>
    public void Forward(int step, int batch, ReadOnlySpan<double> input, Span<double> output, bool training)
    {
        int F = Features, W = _width, o = _offset;
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
        ReadOnlySpan<double> gamma = Gamma.Span, beta = Beta.Span;
        if (training)
        {
            // Two passes: the mean first, then the squared deviations from it.
            Array.Clear(_mean);
            Array.Clear(_sumSq);
            for (int r = 0; r < batch; r++)
            {
                Elementwise.AddInPlace(input.Slice(r * W + o, F), _mean);
            }
            for (int j = 0; j < F; j++)
            {
                _mean[j] /= batch;
            }
            for (int r = 0; r < batch; r++)
            {
                FeatureVectors.AddSquaredDeviations(input.Slice(r * W + o, F), _mean, _sumSq);
            }
            Span<double> runningMean = _runningMean[slot].Span, runningVar = _runningVar[slot].Span;
            for (int j = 0; j < F; j++)
            {
                invStd[j] = 1.0 / Math.Sqrt(_sumSq[j] / batch + Eps);
                runningMean[j] = (1.0 - Momentum) * runningMean[j] + Momentum * _mean[j];
                runningVar[j] = (1.0 - Momentum) * runningVar[j] + Momentum * (_sumSq[j] / (batch - 1));
            }
            _numBatchesTracked[slot].Span[0] += 1;
        }
        else
        {
            _runningMean[slot].Span.CopyTo(_mean);
            ReadOnlySpan<double> runningVar = _runningVar[slot].Span;
            for (int j = 0; j < F; j++)
            {
                invStd[j] = 1.0 / Math.Sqrt(runningVar[j] + Eps);
            }
        }
        for (int r = 0; r < batch; r++)
        {
            FeatureVectors.Normalize(input.Slice(r * W + o, F), _mean, invStd, gamma, beta, xhat.Slice(r * F, F),
                output.Slice(r * W + o, F));
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
        int F = Features, W = _width, o = _offset;
        ReadOnlySpan<double> xhat = _xhat[step].AsSpan(0, batch * F);
        ReadOnlySpan<double> invStd = _invStd[step];
        ReadOnlySpan<double> gamma = Gamma.Span;
        Array.Clear(_sumDy);
        Array.Clear(_sumDyXhat);
        for (int r = 0; r < batch; r++)
        {
            FeatureVectors.AddGradientSums(outputGradient.Slice(r * W + o, F), xhat.Slice(r * F, F), _sumDy, _sumDyXhat);
        }
        Span<double> gammaGradient = GammaGradient.Span, betaGradient = BetaGradient.Span;
        for (int j = 0; j < F; j++)
        {
            gammaGradient[j] += _sumDyXhat[j];
            if (!betaGradient.IsEmpty)
            {
                betaGradient[j] += _sumDy[j];
            }
        }
        bool batchStatistics = _usedBatchStatistics[step];
        for (int j = 0; j < F; j++)
        {
            _scale[j] = gamma[j] * invStd[j];
            _meanDy[j] = batchStatistics ? _sumDy[j] / batch : 0.0;
            _meanDyXhat[j] = batchStatistics ? _sumDyXhat[j] / batch : 0.0;
        }
        for (int r = 0; r < batch; r++)
        {
            ReadOnlySpan<double> dy = outputGradient.Slice(r * W + o, F);
            Span<double> dx = inputGradient.Slice(r * W + o, F);
            if (batchStatistics)
            {
                FeatureVectors.TrainingInputGradient(dy, xhat.Slice(r * F, F), _scale, _meanDy, _meanDyXhat, dx);
            }
            else
            {
                Elementwise.Multiply(dy, _scale, dx);
            }
        }
    }

    /// <summary>Clears the gradients of γ and β.</summary>
    public void ZeroGradients()
    {
        GammaGradient.Span.Clear();
        BetaGradient.Span.Clear();
    }

    private static double[] Filled(int length, double value)
    {
        var values = new double[length];
        Array.Fill(values, value);
        return values;
    }

    private static Memory<double>[] NewSlots(int slots, int length, double value)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(slots);
        var result = new Memory<double>[slots];
        for (int s = 0; s < slots; s++)
        {
            result[s] = Filled(length, value);
        }
        return result;
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
