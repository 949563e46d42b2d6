using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BatchNormSharp;

/// <summary>
/// What a layer says about itself in a whole-model file (<see cref="ModelFile"/>): its registered type name and its
/// hyper-parameters, Keras's <c>get_config()</c>. A layer returns one from <see cref="Layer.GetConfig"/>; the factory
/// registered for the type name (<see cref="LayerRegistry.Register"/>) reads it back to build the layer again.
/// </summary>
/// <remarks>
/// <para>Hyper-parameters are what the constructor needs: sizes, <c>eps</c>, flags; not the weights, which travel as
/// tensors. Values are whole numbers, finite doubles (or <see langword="null"/>), booleans and strings, so that the
/// description is plain JSON; names are PyTorch's where PyTorch has one (<c>in_features</c>, <c>eps</c>). Children
/// are not described here: <see cref="ModelFile"/> walks <see cref="Layer.Children"/> and describes each one through
/// its own <see cref="Layer.GetConfig"/>; on load a factory finds them, already rebuilt, in <see cref="Children"/>.</para>
/// <para>When read from a file, a getter that finds a hyper-parameter missing or of another kind throws an
/// <see cref="InvalidDataException"/> naming it, and <see cref="ModelFile"/> refuses a description with a
/// hyper-parameter its factory never read, so a damaged file is a loud error.</para>
/// <code>
/// public override LayerConfig GetConfig() =&gt; new LayerConfig("PerFeatureScale").Set("features", Features);
/// LayerRegistry.Register("PerFeatureScale", config =&gt; new PerFeatureScale(config.GetInt32("features")));
/// </code>
/// </remarks>
public sealed class LayerConfig
{
    private readonly JsonObject _values;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    /// <summary>Starts the description of a layer of the type registered as <paramref name="type"/>.</summary>
    /// <param name="type">The name the layer's factory is registered under, e.g. <c>Dense</c>.</param>
    /// <exception cref="ArgumentException">The name is empty or holds characters other than letters, digits,
    /// <c>_</c>, <c>.</c> and <c>-</c>.</exception>
    public LayerConfig(string type)
    {
        LayerRegistry.RequireTypeName(type, nameof(type));
        Type = type;
        _values = [];
    }

    private LayerConfig(string type, JsonObject values, IReadOnlyList<NamedLayer> children)
    {
        Type = type;
        _values = values;
        Children = children;
    }

    /// <summary>The registered type name of the layer.</summary>
    public string Type { get; }

    /// <summary>The hyper-parameters' names, in the order they were set.</summary>
    public IEnumerable<string> Names => _values.Select(pair => pair.Key);

    /// <summary>
    /// On load: the layer's children, already rebuilt from the file, with their names, in order (a container's
    /// factory passes them on; a layer that creates its own children from its hyper-parameters ignores them).
    /// Empty in a description a layer has just written.
    /// </summary>
    public IReadOnlyList<NamedLayer> Children { get; } = [];

    /// <summary>Sets a whole-number hyper-parameter.</summary>
    /// <param name="name">Its name, e.g. <c>in_features</c>.</param>
    /// <param name="value">Its value.</param>
    /// <returns>This description, for chaining.</returns>
    /// <exception cref="ArgumentException">The name is empty or already set.</exception>
    public LayerConfig Set(string name, int value) => Add(name, JsonValue.Create(value));

    /// <summary>Sets a real-valued hyper-parameter; the file keeps every bit of it.</summary>
    /// <param name="name">Its name, e.g. <c>eps</c>.</param>
    /// <param name="value">A finite value (JSON has no NaN or infinity).</param>
    /// <returns>This description, for chaining.</returns>
    /// <exception cref="ArgumentException">The name is empty or already set, or the value is not finite.</exception>
    public LayerConfig Set(string name, double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException(
                $"Hyper-parameter '{name}' must be a finite number to be written as JSON, but is " +
                $"{value.ToString(CultureInfo.InvariantCulture)}. Describe it another way (a flag or a string).",
                nameof(value));
        }
        return Add(name, JsonValue.Create(value));
    }

    /// <summary>Sets a real-valued hyper-parameter that may be absent (<see langword="null"/>, as BatchNorm's
    /// cumulative-average momentum).</summary>
    /// <param name="name">Its name, e.g. <c>momentum</c>.</param>
    /// <param name="value">A finite value or <see langword="null"/>.</param>
    /// <returns>This description, for chaining.</returns>
    /// <exception cref="ArgumentException">The name is empty or already set, or the value is not finite.</exception>
    public LayerConfig Set(string name, double? value) => value is { } number ? Set(name, number) : Add(name, null);

    /// <summary>Sets a boolean hyper-parameter.</summary>
    /// <param name="name">Its name, e.g. <c>affine</c>.</param>
    /// <param name="value">Its value.</param>
    /// <returns>This description, for chaining.</returns>
    /// <exception cref="ArgumentException">The name is empty or already set.</exception>
    public LayerConfig Set(string name, bool value) => Add(name, JsonValue.Create(value));

    /// <summary>Sets a text hyper-parameter (an enumeration's name, for instance).</summary>
    /// <param name="name">Its name.</param>
    /// <param name="value">Its value, not <see langword="null"/>.</param>
    /// <returns>This description, for chaining.</returns>
    /// <exception cref="ArgumentException">The name is empty or already set.</exception>
    public LayerConfig Set(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Add(name, JsonValue.Create(value));
    }

    /// <summary>Whether a hyper-parameter of that name is present (for an optional one added in a later version).</summary>
    /// <param name="name">Its name.</param>
    /// <returns><see langword="true"/> when present.</returns>
    public bool Contains(string name)
    {
        _read.Add(name);
        return _values.ContainsKey(name);
    }

    /// <summary>Reads a whole-number hyper-parameter.</summary>
    /// <param name="name">Its name.</param>
    /// <returns>Its value.</returns>
    /// <exception cref="InvalidDataException">It is missing or not a whole number in the range of <see cref="int"/>.</exception>
    public int GetInt32(string name) =>
        ReadValue(name, "a whole number in the range of a 32-bit integer", static node =>
            node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue(out int result)
                ? result
                : (int?)null);

    /// <summary>Reads a real-valued hyper-parameter.</summary>
    /// <param name="name">Its name.</param>
    /// <returns>Its value.</returns>
    /// <exception cref="InvalidDataException">It is missing, <see langword="null"/> or not a finite number.</exception>
    public double GetDouble(string name) => ReadValue(name, "a number", static node => Number(node));

    /// <summary>Reads a real-valued hyper-parameter that may be <see langword="null"/>.</summary>
    /// <param name="name">Its name.</param>
    /// <returns>Its value, or <see langword="null"/>.</returns>
    /// <exception cref="InvalidDataException">It is missing, or neither <see langword="null"/> nor a finite number.</exception>
    public double? GetNullableDouble(string name)
    {
        RequirePresent(name, "a number or null");
        return _values[name] is null ? null : GetDouble(name);
    }

    /// <summary>Reads a boolean hyper-parameter.</summary>
    /// <param name="name">Its name.</param>
    /// <returns>Its value.</returns>
    /// <exception cref="InvalidDataException">It is missing or not <c>true</c> or <c>false</c>.</exception>
    public bool GetBoolean(string name) =>
        ReadValue(name, "true or false", static node => node?.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => (bool?)null,
        });

    /// <summary>Reads a text hyper-parameter.</summary>
    /// <param name="name">Its name.</param>
    /// <returns>Its value.</returns>
    /// <exception cref="InvalidDataException">It is missing or not a string.</exception>
    public string GetString(string name) =>
        ReadString(name, "a string", static node => node?.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : null);

    /// <summary>The description as <c>Type(name=value, ...)</c>.</summary>
    /// <returns>For example <c>Dense(in_features=4, out_features=10)</c>.</returns>
    public override string ToString() =>
        $"{Type}({string.Join(", ", _values.Select(pair => $"{pair.Key}={pair.Value?.ToJsonString() ?? "null"}"))})";

    /// <summary>The hyper-parameters as a JSON object (a copy).</summary>
    internal JsonObject ToJson() => (JsonObject)_values.DeepClone();

    /// <summary>A description read from a file, with its children already rebuilt.</summary>
    internal static LayerConfig FromJson(string type, JsonObject values, IReadOnlyList<NamedLayer> children,
        StrongBox<long>? valueBudget) =>
        new(type, values, children) { ValueBudget = valueBudget };

    /// <summary>
    /// How many more values the layers built from one file may allocate, shared by all of them: for a description read
    /// from a file, about what the file holds, so that damaged sizes are refused before a constructor allocates more
    /// memory than the file justifies; <see langword="null"/> (unbounded) otherwise.
    /// </summary>
    internal StrongBox<long>? ValueBudget { get; init; }

    /// <summary>Takes <paramref name="values"/> from <see cref="ValueBudget"/>, or throws when it holds fewer.</summary>
    /// <exception cref="InvalidDataException">The budget holds fewer values.</exception>
    internal void RequireWithinBudget(long values)
    {
        if (ValueBudget is not { } budget)
        {
            return;
        }
        if (values > budget.Value)
        {
            throw new InvalidDataException(
                $"{this} would allocate {values.ToString(CultureInfo.InvariantCulture)} values, more than the file " +
                $"justifies ({budget.Value.ToString(CultureInfo.InvariantCulture)} left); its sizes are damaged.");
        }
        budget.Value -= values;
    }

    /// <summary>As <see cref="RequireWithinBudget(long)"/> for a count computed in floating point, so that the product
    /// of damaged sizes cannot overflow into a small number.</summary>
    /// <exception cref="InvalidDataException">The budget holds fewer values.</exception>
    internal void RequireWithinBudget(double values) =>
        RequireWithinBudget(values >= long.MaxValue || double.IsNaN(values) ? long.MaxValue : (long)Math.Max(values, 0.0));

    /// <summary>The hyper-parameters no getter has asked for: in a file, names its factory does not know.</summary>
    internal IEnumerable<string> UnreadNames => Names.Where(name => !_read.Contains(name));

    private LayerConfig Add(string name, JsonNode? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (_values.ContainsKey(name))
        {
            throw new ArgumentException(
                $"{Type} already has a hyper-parameter named '{name}'; set each one once.", nameof(name));
        }
        _values.Add(name, value);
        return this;
    }

    private void RequirePresent(string name, string kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _read.Add(name);
        if (!_values.ContainsKey(name))
        {
            throw new InvalidDataException(
                $"Hyper-parameter '{name}' ({kind}) is missing from the description of {Type}.");
        }
    }

    private T ReadValue<T>(string name, string kind, Func<JsonNode?, T?> convert) where T : struct
    {
        RequirePresent(name, kind);
        JsonNode? node = _values[name];
        return convert(node) ?? throw new InvalidDataException(
            $"Hyper-parameter '{name}' of {Type} must be {kind}, but is {node?.ToJsonString() ?? "null"}.");
    }

    private string ReadString(string name, string kind, Func<JsonNode?, string?> convert)
    {
        RequirePresent(name, kind);
        JsonNode? node = _values[name];
        return convert(node) ?? throw new InvalidDataException(
            $"Hyper-parameter '{name}' of {Type} must be {kind}, but is {node?.ToJsonString() ?? "null"}.");
    }

    private static double? Number(JsonNode? node)
    {
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.Number)
        {
            return null;
        }
        return value.TryGetValue(out double number) && double.IsFinite(number) ? number : null;
    }
}
