using System.Globalization;

namespace BatchNormSharp;

/// <summary>
/// A numbered list of <see cref="BatchNorm"/> children (<c>0</c>, <c>1</c>, …), optionally with a γ (<c>weight</c>) and
/// β (<c>bias</c>) of its own shared by all of them: PyTorch's <c>nn.ModuleList</c> of <c>BatchNorm1d</c>, as a
/// <see cref="BatchNormLSTM"/> holds its normalisations. It only holds state, which the LSTM's arithmetic reads in
/// place; like a <c>ModuleList</c>, it is not run as a layer of its own.
/// </summary>
internal sealed class BatchNormGroup : Layer
{
    private readonly BatchNorm[] _members;

    /// <summary>Creates <paramref name="count"/> BatchNorms of <paramref name="features"/> features.</summary>
    /// <param name="count">How many (four gates, or one per time step).</param>
    /// <param name="features">The features of each.</param>
    /// <param name="affineMembers">Whether each member has its own γ and β (the seed's per-gate BatchNorms).</param>
    /// <param name="sharedGamma">The initial value of a γ shared by all members, or null for none.</param>
    /// <param name="sharedBias">Whether a β shared by all members exists.</param>
    /// <param name="eps">Each member's ε.</param>
    /// <param name="momentum">Each member's momentum.</param>
    public BatchNormGroup(int count, int features, bool affineMembers, double? sharedGamma, bool sharedBias, double eps, double momentum)
    {
        if (sharedGamma is { } gamma)
        {
            SharedWeight = RegisterParameter("weight", Tensor.Full(gamma, features));
        }
        if (sharedBias)
        {
            SharedBias = RegisterParameter("bias", Tensor.Zeros(features));
        }
        _members = new BatchNorm[count];
        for (int k = 0; k < count; k++)
        {
            _members[k] = RegisterChild(k.ToString(CultureInfo.InvariantCulture),
                new BatchNorm(features, eps, momentum, affine: affineMembers));
        }
    }

    /// <summary>The members, in order.</summary>
    public IReadOnlyList<BatchNorm> Members => _members;

    /// <summary>The shared γ, or null.</summary>
    public Parameter? SharedWeight { get; }

    /// <summary>The shared β, or null.</summary>
    public Parameter? SharedBias { get; }

    /// <summary>The members' running means, in order.</summary>
    public Memory<double>[] RunningMeans() => [.. _members.Select(m => m.RunningMean!.AsMemory())];

    /// <summary>The members' running variances, in order.</summary>
    public Memory<double>[] RunningVars() => [.. _members.Select(m => m.RunningVar!.AsMemory())];

    /// <summary>The members' batch counts (one value each), in order.</summary>
    public Memory<double>[] Counts() =>
        [.. _members.Select(m => m.Buffers.Single(b => b.Name == "num_batches_tracked").Value.AsMemory())];

    /// <summary>Not run as a layer: its owner computes with its state.</summary>
    /// <param name="inputShape">Ignored.</param>
    /// <param name="mode">Ignored.</param>
    /// <returns>Never returns.</returns>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override int[] OutputShape(ReadOnlySpan<int> inputShape, ForwardMode mode) => throw NotRun();

    /// <summary>Describes the group for a whole-model file, as a child of its <see cref="BatchNormLSTM"/> (which
    /// builds it again itself on load): its shape and flags. Its members are described as its children.</summary>
    /// <returns>The description.</returns>
    public override LayerConfig GetConfig() => new LayerConfig(TypeName)
        .Set("count", _members.Length).Set("features", _members[0].NumFeatures).Set("affine_members", _members[0].Affine)
        .Set("shared_weight", SharedWeight is not null).Set("shared_bias", SharedBias is not null)
        .Set("eps", _members[0].Eps).Set("momentum", _members[0].Momentum);

    /// <summary>The type name under which the group is registered in <see cref="LayerRegistry"/>: a part of a
    /// <see cref="BatchNormLSTM"/>, not a layer to put in a model of one's own.</summary>
    internal const string TypeName = "BatchNormLSTM.BatchNormGroup";

    /// <summary>Builds a group again from its description (its members from their counts; values are loaded
    /// afterwards).</summary>
    internal static BatchNormGroup FromConfig(LayerConfig config)
    {
        int count = config.GetInt32("count"), features = config.GetInt32("features");
        bool sharedWeight = config.GetBoolean("shared_weight");
        Guard.Positive(count, "count");
        Guard.Positive(features, "features");
        // Per member: at most four per-feature tensors and ten arrays of scratch, as a BatchNorm.
        config.RequireWithinBudget(14.0 * count * features);
        return new BatchNormGroup(count, features, config.GetBoolean("affine_members"), sharedWeight ? 0.1 : null,
            config.GetBoolean("shared_bias"), config.GetDouble("eps"), config.GetDouble("momentum"));
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"BatchNormGroup({_members.Length} x {_members[0]})");

    /// <summary>Not run as a layer.</summary>
    protected override Tensor? BackwardCore(Tensor outputGradient, bool computeInputGradient) => throw NotRun();

    /// <summary>Not run as a layer.</summary>
    protected override void InferCore(ReadOnlySpan<double> input, ReadOnlySpan<int> inputShape, Span<double> output) => throw NotRun();

    private static NotSupportedException NotRun() => new(
        "A BatchNormGroup holds the BatchNorms of a BatchNormLSTM and is not run on its own (as PyTorch's ModuleList); run the BatchNormLSTM that owns it.");
}
