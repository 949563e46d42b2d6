using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using BatchNormSharp.Kernels;

namespace BatchNormSharp;

/// <summary>
/// Batch Normalization over the features of a <c>[batch, features]</c> input, or of a <c>[batch, features, length]</c>
/// sequence, equal to PyTorch's <c>torch.nn.BatchNorm1d</c>: <c>y = (x - μ) / √(σ² + ε) · γ + β</c>.
/// </summary>
/// <remarks>
/// <para><b>Training mode</b> normalises each feature with the mean and the <em>biased</em> variance (divided by N)
/// of the batch, and then updates the running statistics with the batch mean and the <em>unbiased</em> variance
/// (divided by N - 1), as PyTorch does:
/// <c>running = (1 - momentum) · running + momentum · batchStatistic</c>. A training batch needs at least two values
/// per feature: two rows, or one row of a sequence longer than one.</para>
/// <para><b>Sequences</b> <c>[batch, features, length]</c> are normalised as <c>BatchNorm1d</c> does: the statistics of
/// each feature are taken over the batch and the length together (N · L values).</para>
/// <para><b>Without running statistics</b> (<c>trackRunningStats: false</c>) inference also normalises with the
/// batch's own statistics, so <c>Predict</c>'s results depend on the batch size and on which rows share a batch, as in
/// PyTorch.</para>
/// <para><b>Inference mode</b> normalises with the running statistics and changes nothing:
/// <c>y = (x - runningMean) / √(runningVar + ε) · γ + β</c>.</para>
/// <para><b>Momentum</b> is the weight of the <em>new</em> batch (PyTorch's meaning, default 0.1). Keras's
/// <c>BatchNormalization(momentum = m)</c> and the "keep" momentum of many tutorials (0.9, 0.99) are the weight of the
/// <em>old</em> value: Keras <c>m</c> is our <c>1 - m</c>, so Keras's 0.99 is our 0.01. A <see langword="null"/>
/// momentum gives the cumulative moving average: the factor is <c>1 / NumBatchesTracked</c>, so the first batch
/// replaces the initial values and later ones are averaged with equal weight.</para>
/// <para><b>Backward</b> follows the forward pass it belongs to. After a training-mode forward it is the closed form
/// <c>dx = γ/σ · (dy - mean(dy) - x̂ · mean(dy · x̂))</c>, means over the batch; after an inference-mode forward
/// the statistics are constants and <c>dx = dy · γ / √(runningVar + ε)</c> (fine-tuning with frozen BatchNorm).
/// In both, <c>dγ = Σ dy · x̂</c> and <c>dβ = Σ dy</c>.</para>
/// <para>Backward reads the input of the forward pass again instead of keeping a normalised copy (it moves a third
/// less memory), so, as with <see cref="Dense"/>, leave that input tensor unchanged until <see cref="Layer.Backward(Tensor)"/>.</para>
/// <para>Parameters <c>weight</c> (γ, initially 1) and <c>bias</c> (β, initially 0) exist when
/// <see cref="Affine"/>; buffers <c>running_mean</c> (initially 0), <c>running_var</c> (initially 1) and
/// <c>num_batches_tracked</c> exist when <see cref="TrackRunningStats"/>. Without running statistics both modes
/// normalise with the batch statistics, as in PyTorch.</para>
/// <para><b>NaN and infinity.</b> A training-mode forward pass refuses a batch whose mean or variance is NaN or
/// infinite in some feature (an <see cref="ArgumentException"/> naming the feature), before the running statistics
/// move: one NaN would poison them for good. The check reads the D per-feature statistics the pass computes anyway,
/// so it costs nothing measurable. Inference mode does not scan: a NaN input gives a NaN output row, as in
/// PyTorch.</para>
/// </remarks>
public sealed class BatchNorm : Layer, IPerFeatureAffineLayer
{
    private readonly Parameter? _weight;
    private readonly Parameter? _bias;
    private readonly StateBuffer? _runningMean;
    private readonly StateBuffer? _runningVar;
    private readonly StateBuffer? _numBatchesTracked;

    // γ = 1 and β = 0 stand in for the parameters when the layer is not affine.
    private readonly double[] _ones;
    private readonly double[] _zeros;

    // What the last accepted forward pass leaves for the backward pass; a refused batch leaves it as it was.
    private readonly BatchNormCache _cache;

    /// <summary>Creates a BatchNorm layer with PyTorch's defaults: γ = 1, β = 0, running mean 0, running variance 1.</summary>
    /// <param name="numFeatures">The number of features D of a <c>[batch, D]</c> input (at least 1).</param>
    /// <param name="eps">ε, added to the variance inside the square root; greater than 0. Default 1e-5.</param>
    /// <param name="momentum">Weight of the new batch in the running statistics, in [0, 1]; default 0.1. Keras's
    /// momentum <c>m</c> is <c>1 - m</c> here. <see langword="null"/> for the cumulative average.</param>
    /// <param name="affine">Whether the layer learns γ (<c>weight</c>) and β (<c>bias</c>).</param>
    /// <param name="trackRunningStats">Whether the layer keeps running statistics for inference.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is outside its range.</exception>
    public BatchNorm(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true,
        bool trackRunningStats = true)
    {
        Guard.Positive(numFeatures, nameof(numFeatures));
        if (numFeatures > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(numFeatures), numFeatures,
                $"numFeatures must be at most {Array.MaxLength.ToString(CultureInfo.InvariantCulture)} (the largest " +
                $"array), but was {numFeatures.ToString(CultureInfo.InvariantCulture)}.");
        }
        if (!(eps > 0.0) || double.IsInfinity(eps))
        {
            throw new ArgumentOutOfRangeException(nameof(eps), eps,
                $"eps must be a finite number greater than 0, but was {eps.ToString(CultureInfo.InvariantCulture)}.");
        }
        if (momentum is { } m && !(m >= 0.0 && m <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum,
                "momentum must lie in [0, 1] (the weight of the new batch; Keras's momentum m is 1 - m here) or be " +
                $"null for the cumulative average, but was {m.ToString(CultureInfo.InvariantCulture)}.");
        }

        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        Affine = affine;
        TrackRunningStats = trackRunningStats;

        _ones = new double[numFeatures];
        _ones.AsSpan().Fill(1.0);
        _zeros = new double[numFeatures];
        _cache = new BatchNormCache(numFeatures);

        if (affine)
        {
            _weight = RegisterParameter("weight", Tensor.Full(1.0, numFeatures));
            _bias = RegisterParameter("bias", Tensor.Zeros(numFeatures));
        }

        if (trackRunningStats)
        {
            _runningMean = RegisterBuffer("running_mean", Tensor.Zeros(numFeatures));
            _runningVar = RegisterBuffer("running_var", Tensor.Full(1.0, numFeatures));
            _numBatchesTracked = RegisterBuffer("num_batches_tracked", Tensor.Zeros(), isInteger: true);
        }
    }

    /// <summary>The number of features D normalised by this layer.</summary>
    public int NumFeatures { get; }

    /// <summary>The input width this layer requires: <see cref="NumFeatures"/>.</summary>
    public override int? InputFeatures => NumFeatures;

    /// <summary>ε, added to the variance inside the square root.</summary>
    public double Eps { get; }

    /// <summary>
    /// The weight of the new batch in the running statistics (PyTorch's meaning; Keras's momentum <c>m</c> is
    /// <c>1 - m</c> here), or <see langword="null"/> for the cumulative average.
    /// </summary>
    public double? Momentum { get; }

    /// <summary>Whether the layer has the learnable parameters γ (<c>weight</c>) and β (<c>bias</c>).</summary>
    public bool Affine { get; }

    /// <summary>Whether the layer keeps running statistics and uses them in inference mode.</summary>
    public bool TrackRunningStats { get; }

    /// <summary>
    /// Whether the running variance is fed the unbiased batch variance (divided by N - 1), as in PyTorch — the
    /// default. Set to <see langword="false"/> for the biased variance (divided by N) that Keras, ONNX and cs231n
    /// use. Normalisation in training always uses the biased variance.
    /// </summary>
    public bool UnbiasedRunningVariance { get; init; } = true;

    /// <summary>γ, shape <c>[NumFeatures]</c>, or <see langword="null"/> when the layer is not affine.</summary>
    public Parameter? Weight => _weight;

    /// <summary>β, shape <c>[NumFeatures]</c>, or <see langword="null"/> when the layer is not affine.</summary>
    public Parameter? Bias => _bias;

    /// <summary>The running mean, shape <c>[NumFeatures]</c>, or <see langword="null"/> without running statistics.</summary>
    public Tensor? RunningMean => _runningMean?.Value;

    /// <summary>The running (unbiased) variance, shape <c>[NumFeatures]</c>, or <see langword="null"/> without running statistics.</summary>
    public Tensor? RunningVar => _runningVar?.Value;

    /// <summary>The number of training batches that have updated the running statistics.</summary>
    public long NumBatchesTracked => _numBatchesTracked is null ? 0 : (long)_numBatchesTracked.Value.AsReadOnlySpan()[0];

    /// <summary>Whether a forward pass in <paramref name="mode"/> normalises with the batch's own statistics: in
    /// training mode, and in inference mode without running statistics.</summary>
    /// <param name="mode">The mode of the forward pass.</param>
    /// <returns><see langword="true"/> when batch statistics are used.</returns>
    public override bool UsesBatchStatistics(ForwardMode mode) => mode == ForwardMode.Training || !TrackRunningStats;

    /// <summary>The input's shape, which must be <c>[batch, NumFeatures]</c>, with at least two rows when batch
    /// statistics are used.</summary>
    /// <param name="inputShape">The input's shape.</param>
    /// <param name="mode">The mode of the forward pass.</param>
    /// <returns>A copy of <paramref name="inputShape"/>.</returns>
    /// <exception cref="ArgumentException">The shape does not fit, or a batch of one would be normalised with its own
    /// statistics.</exception>
    public override int[] OutputShape(ReadOnlySpan<int> inputShape, ForwardMode mode)
    {
        if (inputShape.Length is not (2 or 3) || inputShape[1] != NumFeatures)
        {
            string features = NumFeatures.ToString(CultureInfo.InvariantCulture);
            throw new ArgumentException(
                $"BatchNorm expects input of shape [batch, {features}] (or [batch, {features}, length]), but got " +
                $"{Tensor.FormatShape(inputShape)}.", nameof(inputShape));
        }
        if (inputShape[0] == 0 || (inputShape.Length == 3 && inputShape[2] == 0))
        {
            throw new ArgumentException(
                $"BatchNorm expects a batch of at least one row, but got an empty batch of shape " +
                $"{Tensor.FormatShape(inputShape)}.", nameof(inputShape));
        }
        if ((long)inputShape[0] * (inputShape.Length == 3 ? inputShape[2] : 1) < 2 && UsesBatchStatistics(mode))
        {
            throw Guard.SingleRowBatch("got", inputShape, nameof(inputShape));
        }
        return inputShape.ToArray();
    }

    /// <summary>Normalises a checked batch; in training mode, also updates the running statistics.</summary>
    /// <param name="input">The batch, shape <c>[batch, NumFeatures]</c>.</param>
    /// <param name="mode">Training (batch statistics, running statistics updated) or inference (running statistics).</param>
    /// <returns>The normalised batch, the input's shape.</returns>
    /// <exception cref="NonFiniteBatchException">(Training mode) a feature's batch mean or variance is NaN or infinite;
    /// nothing is changed, and a pending backward pass still goes back through the last accepted forward pass.</exception>
    protected override Tensor ForwardCore(Tensor input, ForwardMode mode)
    {
        bool useBatchStatistics = UsesBatchStatistics(mode);
        var shape = ShapeOf(input.Shape);
        var output = ReuseOutput();
        if (mode == ForwardMode.Training)
        {
            // Refused before anything moves: the output, the cache a pending backward pass reads, the running
            // statistics.
            int feature = BatchNormFunctions.TrainingForward(input.AsReadOnlySpan(), shape, Gamma.Span, Beta.Span, Eps,
                _cache, output.AsSpan());
            if (feature >= 0)
            {
                throw NonFiniteStatistics(input, feature);
            }
            if (TrackRunningStats)
            {
                UpdateRunningStatistics();
            }
        }
        else if (useBatchStatistics)
        {
            BatchNormFunctions.BatchStatisticsForward(input.AsReadOnlySpan(), shape, Gamma.Span, Beta.Span, Eps, _cache,
                output.AsSpan());
        }
        else
        {
            BatchNormFunctions.FrozenForward(input.AsReadOnlySpan(), shape, _runningMean!.Value.AsReadOnlySpan(),
                _runningVar!.Value.AsReadOnlySpan(), Gamma.Span, Beta.Span, Eps, _cache, output.AsSpan());
        }
        return output;
    }

    /// <summary>
    /// The inference-mode output into the caller's span, with the statistics in scratch rented for the call: the
    /// running statistics, or (without them) the batch's own, as <see cref="Layer.Forward(Tensor, ForwardMode)"/> in inference mode computes
    /// them. Reads only parameters and buffers; safe from several threads.
    /// </summary>
    protected override void InferCore(ReadOnlySpan<double> input, ReadOnlySpan<int> inputShape, Span<double> output)
    {
        var shape = ShapeOf(inputShape);
        if (TrackRunningStats)
        {
            BatchNormFunctions.InferenceForward(input, shape, _runningMean!.Value.AsReadOnlySpan(),
                _runningVar!.Value.AsReadOnlySpan(), Gamma.Span, Beta.Span, Eps, output);
        }
        else
        {
            BatchNormFunctions.BatchStatisticsInference(input, shape, Gamma.Span, Beta.Span, Eps, output);
        }
    }

    /// <summary>
    /// Back-propagates through the last forward pass, in the mode it used; adds dγ and dβ to the parameters'
    /// gradients.
    /// </summary>
    /// <param name="outputGradient">dL/dy, the shape of the last output.</param>
    /// <param name="computeInputGradient">Whether dL/dx is needed.</param>
    /// <returns>dL/dx, the shape of the last input, or <see langword="null"/>.</returns>
    protected override Tensor? BackwardCore(Tensor outputGradient, bool computeInputGradient)
    {
        // Without dx (the first layer: nothing needs it) the function skips that pass, and only adds dγ and dβ.
        var inputGradient = computeInputGradient ? ReuseInputGradient() : null;
        BatchNormFunctions.Backward(outputGradient.AsReadOnlySpan(), Input.AsReadOnlySpan(), _cache.Shape, Gamma.Span,
            _cache, inputGradient is null ? default : inputGradient.AsSpan(),
            _weight is null ? default : _weight.Gradient.AsSpan(), _bias is null ? default : _bias.Gradient.AsSpan());
        return inputGradient;
    }

    /// <summary>With running statistics, inference computes <c>(x - runningMean) · γ / √(runningVar + ε) + β</c>:
    /// that map, rounded as the inference path rounds it (γ = 1 and β = 0 without <see cref="Affine"/>).</summary>
    /// <param name="affine">The map, or <see langword="null"/> without running statistics.</param>
    /// <returns><see langword="false"/> without running statistics (the batch's statistics are used even in
    /// inference).</returns>
    public bool TryGetInferenceAffine([NotNullWhen(true)] out PerFeatureAffine? affine)
    {
        if (_runningMean is null || _runningVar is null)
        {
            affine = null;
            return false;
        }
        var scale = new double[NumFeatures];
        ReadOnlySpan<double> gamma = _weight is { } weight ? weight.Value.AsReadOnlySpan() : Tensor.Full(1.0, NumFeatures).AsReadOnlySpan();
        BatchNormFold.Scale(gamma, _runningVar.Value.AsReadOnlySpan(), Eps, scale);
        affine = new PerFeatureAffine(_runningMean.Value.AsReadOnlySpan(), scale,
            _bias is { } bias ? bias.Value.AsReadOnlySpan() : new double[NumFeatures]);
        return true;
    }

    /// <summary>Type <c>BatchNorm</c> with <c>num_features</c>, <c>eps</c>, <c>momentum</c> (null for the cumulative
    /// average), <c>affine</c>, <c>track_running_stats</c> and <c>unbiased_running_variance</c>, for a whole-model
    /// file.</summary>
    /// <returns>The description.</returns>
    public override LayerConfig GetConfig() =>
        new LayerConfig("BatchNorm").Set("num_features", NumFeatures).Set("eps", Eps).Set("momentum", Momentum)
            .Set("affine", Affine).Set("track_running_stats", TrackRunningStats)
            .Set("unbiased_running_variance", UnbiasedRunningVariance);

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture,
            $"BatchNorm({NumFeatures}, eps={Eps}, momentum={(Momentum is { } m ? m.ToString(CultureInfo.InvariantCulture) : "null")}, affine={Affine}, trackRunningStats={TrackRunningStats})");

    /// <summary>N × C × L of a <c>[N, C]</c> (L = 1) or <c>[N, C, L]</c> input.</summary>
    private BatchNormShape ShapeOf(ReadOnlySpan<int> shape) =>
        new(shape[0], NumFeatures, shape.Length == 3 ? shape[2] : 1);

    private ReadOnlyMemory<double> Gamma => _weight is null ? _ones : _weight.Value.AsMemory();

    private ReadOnlyMemory<double> Beta => _bias is null ? _zeros : _bias.Value.AsMemory();

    /// <summary>
    /// The refusal of a training batch whose mean or variance is NaN or infinite for some feature: one NaN would
    /// otherwise poison the running statistics for good.
    /// </summary>
    private NonFiniteBatchException NonFiniteStatistics(Tensor input, int feature) =>
        new(string.Create(CultureInfo.InvariantCulture,
            $"BatchNorm expected a training batch with a finite mean and variance in every feature, but feature " +
            $"{feature} of the {Tensor.FormatShape(input.Shape)} batch has mean {_cache.PendingMean(feature)} and " +
            $"variance {_cache.PendingVariance(feature)}: the batch holds NaN or infinite values, or values whose " +
            $"squares overflow. Nothing was changed; check the inputs, or lower the learning rate if the weights " +
            $"have diverged."), nameof(input)) { Layer = this };

    /// <summary>Moves the running statistics towards the statistics of the batch just normalised.</summary>
    private void UpdateRunningStatistics()
    {
        Span<double> count = _numBatchesTracked!.Value.AsSpan();
        count[0] += 1;
        double factor = Momentum ?? 1.0 / count[0];
        BatchNormFunctions.UpdateRunningStatistics(_cache, factor, UnbiasedRunningVariance,
            _runningMean!.Value.AsSpan(), _runningVar!.Value.AsSpan());
    }
}
