using System.Collections.Concurrent;

namespace BatchNormSharp;

/// <summary>
/// Maps the type names of whole-model files (<see cref="ModelFile"/>) to the factories that build layers from their
/// descriptions: Keras's registry of serialisable classes. The library's layers are registered here, once; register
/// your own layer type with one call before saving or loading a model that holds it.
/// </summary>
/// <remarks>
/// <para>A layer that can go into a whole-model file overrides <see cref="Layer.GetConfig"/> to return its type
/// name and hyper-parameters, and its factory reads them back:
/// <code>
/// public sealed class PerFeatureScale : Layer
/// {
///     public override LayerConfig GetConfig() =&gt; new LayerConfig("PerFeatureScale").Set("features", Features);
///     ...
/// }
///
/// LayerRegistry.Register("PerFeatureScale", config =&gt; new PerFeatureScale(config.GetInt32("features")));
/// </code>
/// A container's factory receives its children, already rebuilt, in <see cref="LayerConfig.Children"/>. Weights are
/// not the factory's business: <see cref="ModelFile.Load"/> loads them into the layer it returns.</para>
/// <para>The registry is shared by the whole process and safe to use from several threads.</para>
/// </remarks>
public static class LayerRegistry
{
    private static readonly ConcurrentDictionary<string, Func<LayerConfig, Layer>> s_factories = LibraryLayers();

    /// <summary>Registers the factory that builds layers of type <paramref name="type"/> from their description.</summary>
    /// <param name="type">The name the layer's <see cref="Layer.GetConfig"/> writes, e.g. <c>PerFeatureScale</c>:
    /// letters, digits, <c>_</c>, <c>.</c> and <c>-</c>. A name can be registered once.</param>
    /// <param name="factory">Builds a layer from a description: reads every hyper-parameter it needs with the
    /// getters of <see cref="LayerConfig"/> and passes on the rebuilt <see cref="LayerConfig.Children"/> if the layer
    /// is a container. It may throw <see cref="ArgumentException"/> for values it refuses.</param>
    /// <exception cref="ArgumentException">The name is invalid or already registered (the library's layers use
    /// <c>Sequential</c>, <c>Dense</c>, <c>BatchNorm</c>, <c>ReLU</c>, ...; choose another name).</exception>
    public static void Register(string type, Func<LayerConfig, Layer> factory)
    {
        RequireTypeName(type, nameof(type));
        ArgumentNullException.ThrowIfNull(factory);
        if (!s_factories.TryAdd(type, factory))
        {
            throw new ArgumentException(
                $"A layer type named '{type}' is already registered; register each name once (check " +
                $"LayerRegistry.IsRegistered first), or choose another name for your layer.", nameof(type));
        }
    }

    /// <summary>Whether a factory is registered under <paramref name="type"/>.</summary>
    /// <param name="type">The type name.</param>
    /// <returns><see langword="true"/> when registered.</returns>
    public static bool IsRegistered(string type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return s_factories.ContainsKey(type);
    }

    /// <summary>The registered type names, sorted.</summary>
    public static IReadOnlyList<string> Types => [.. s_factories.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The factory registered under <paramref name="type"/>, or <see langword="null"/>.</summary>
    internal static Func<LayerConfig, Layer>? Find(string type) => s_factories.TryGetValue(type, out var factory) ? factory : null;

    /// <summary>Throws unless <paramref name="type"/> is a usable type name.</summary>
    internal static void RequireTypeName(string type, string parameterName)
    {
        ArgumentException.ThrowIfNullOrEmpty(type, parameterName);
        foreach (char c in type)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'))
            {
                throw new ArgumentException(
                    $"A layer type name holds letters, digits, '_', '.' and '-' only, but '{type}' holds '{c}'.",
                    parameterName);
            }
        }
    }

    /// <summary>
    /// The library's own layers: the one place they are registered. Each factory is the inverse of the layer's
    /// <see cref="Layer.GetConfig"/> (the hyper-parameter names are PyTorch's); a new library layer adds one line here.
    /// Weights drawn by a constructor are overwritten by the file's.
    /// </summary>
    private static ConcurrentDictionary<string, Func<LayerConfig, Layer>> LibraryLayers() => new(StringComparer.Ordinal)
    {
        ["Sequential"] = static config => new Sequential([.. config.Children.Select(child => child.Layer)]),
        ["Dense"] = static config => Dense(config),
        ["BatchNorm"] = static config => BatchNorm(config),
        ["ReLU"] = static _ => new ReLU(),
        ["Normalization"] = static config => Normalization(config),
        ["Sigmoid"] = static _ => new Sigmoid(),
        ["Tanh"] = static _ => new Tanh(),
        ["LSTM"] = static config => Lstm(config),
        ["BatchNormLSTM"] = static config => BatchNormLstm(config),
        [BatchNormGroup.TypeName] = static config => BatchNormGroup.FromConfig(config),
        ["LastTimeStep"] = static _ => new LastTimeStep(),
    };

    private static LSTM Lstm(LayerConfig config)
    {
        int inputSize = config.GetInt32("input_size"), hiddenSize = config.GetInt32("hidden_size");
        int numLayers = config.GetInt32("num_layers");
        // Four [4H, max(I, H)] blocks per stacked layer bound the weights, their gradients and the drivers' scratch.
        config.RequireWithinBudget(16.0 * hiddenSize * (Math.Max(inputSize, hiddenSize) + hiddenSize + 2) * Math.Max(numLayers, 1));
        return new LSTM(inputSize, hiddenSize, seed: 0, numLayers, config.GetBoolean("return_sequences"),
            Enumeration<RecurrentInit>(config, "init"));
    }

    private static BatchNormLSTM BatchNormLstm(LayerConfig config)
    {
        int inputSize = config.GetInt32("input_size"), hiddenSize = config.GetInt32("hidden_size");
        var variant = Enumeration<BatchNormLSTMVariant>(config, "variant");
        int maxLength = config.GetInt32("max_length");
        // The weights and their gradients. The BatchNorm groups were charged when the children of the description were
        // built; the constructor builds them again, so the description must hold exactly those groups.
        config.RequireWithinBudget(8.0 * hiddenSize * (inputSize + hiddenSize + 1));
        RequireGroups(config, variant == BatchNormLSTMVariant.SharedGateStatistics
            ? [("bn_gates", 4, hiddenSize)]
            : [("bn_ih", maxLength, 4 * hiddenSize), ("bn_hh", maxLength, 4 * hiddenSize), ("bn_c", maxLength, hiddenSize)]);
        return new BatchNormLSTM(inputSize, hiddenSize, variant, seed: 0, maxLength,
            config.GetBoolean("return_sequences"), eps: config.GetDouble("eps"), momentum: config.GetDouble("momentum"));
    }

    /// <summary>Requires the described children to be BatchNorm groups of these names and sizes, before the layer's
    /// constructor allocates its own: damaged sizes must not allocate more than the file justifies.</summary>
    private static void RequireGroups(LayerConfig config, (string Name, int Count, int Features)[] expected)
    {
        bool matches = config.Children.Count == expected.Length;
        for (int k = 0; matches && k < expected.Length; k++)
        {
            var child = config.Children[k];
            var description = child.Layer.GetConfig();
            matches = child.Name == expected[k].Name && description?.Type == BatchNormGroup.TypeName
                && description.GetInt32("count") == expected[k].Count
                && description.GetInt32("features") == expected[k].Features;
        }
        if (!matches)
        {
            throw new InvalidDataException(
                $"The children of {config.Type} must be its BatchNorm groups " +
                $"[{string.Join(", ", expected.Select(group => $"{group.Name}: {group.Count} x {group.Features}"))}] for its " +
                $"hyper-parameters, but are [{string.Join(", ", config.Children.Select(child => $"{child.Name}: {child.Layer}"))}].");
        }
    }

    /// <summary>Reads an enumeration stored by its name; a name that is not one of its members is damage.</summary>
    private static TEnum Enumeration<TEnum>(LayerConfig config, string name) where TEnum : struct, Enum
    {
        string text = config.GetString(name);
        if (!Enum.TryParse(text, ignoreCase: false, out TEnum value) || !Enum.IsDefined(value)
            || text.Length == 0 || !char.IsAsciiLetter(text[0]))
        {
            throw new InvalidDataException(
                $"Hyper-parameter '{name}' must be one of {string.Join(", ", Enum.GetNames<TEnum>())}, but is '{text}'.");
        }
        return value;
    }

    private static Dense Dense(LayerConfig config)
    {
        int inFeatures = config.GetInt32("in_features"), outFeatures = config.GetInt32("out_features");
        config.RequireWithinBudget(((long)inFeatures * outFeatures) + outFeatures);
        return new Dense(inFeatures, outFeatures, seed: 0);
    }

    private static BatchNorm BatchNorm(LayerConfig config)
    {
        int numFeatures = config.GetInt32("num_features");
        // Ten per-feature arrays of scratch besides its (at most four) per-feature tensors.
        config.RequireWithinBudget(14L * numFeatures);
        return new BatchNorm(numFeatures, config.GetDouble("eps"), config.GetNullableDouble("momentum"),
            config.GetBoolean("affine"), config.GetBoolean("track_running_stats"))
        {
            UnbiasedRunningVariance = config.GetBoolean("unbiased_running_variance"),
        };
    }

    private static Normalization Normalization(LayerConfig config)
    {
        int numFeatures = config.GetInt32("num_features");
        config.RequireWithinBudget(2L * numFeatures);
        return new Normalization(numFeatures, config.GetDouble("epsilon"));
    }
}
