using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BatchNormSharp;

/// <summary>
/// The architecture of a model as JSON, and the model built back from it: the one place that walks a model for a
/// whole-model file. It goes through the layer contract only (<see cref="Layer.GetConfig"/>, <see cref="Layer.Children"/>
/// and the <see cref="LayerRegistry"/>), so a new layer needs no edit here.
/// </summary>
/// <remarks>
/// One object per layer: <c>{"type": "Dense", "config": {"in_features": 4, ...}, "children": [...]}</c>, where each
/// child's object also holds its <c>"name"</c>; <c>config</c> and <c>children</c> are left out when empty. The text
/// read back is untrusted: every way it can be wrong is an <see cref="InvalidDataException"/> naming the layer by its
/// state-dict path and saying what is wrong.
/// </remarks>
internal static class ModelArchitecture
{
    /// <summary>How deep layers may nest in a file (a model is a few levels deep; a bound keeps recursion safe).</summary>
    internal const int MaxNesting = 64;

    private const string TypeKey = "type";
    private const string ConfigKey = "config";
    private const string ChildrenKey = "children";
    private const string NameKey = "name";

    private static readonly JsonDocumentOptions s_parseOptions = new() { MaxDepth = (3 * MaxNesting) + 8 };

    /// <summary>The model's architecture as compact JSON.</summary>
    /// <exception cref="ArgumentException">A layer returns no description from <see cref="Layer.GetConfig"/>; the
    /// message names it and says how to make it describable, or how to save the weights alone.</exception>
    public static string Describe(Layer model) => Describe(model, string.Empty, nameof(model)).ToJsonString();

    /// <summary>Builds the model an architecture describes, with freshly initialised weights.</summary>
    /// <exception cref="InvalidDataException">The text is not JSON of this layout, names an unregistered type, lacks a
    /// hyper-parameter or holds one no factory reads, or a factory refuses the values.</exception>
    /// <param name="json">The architecture.</param>
    /// <param name="valueBudget">How many values all the layers together may allocate (see
    /// <see cref="LayerConfig.ValueBudget"/>), or <see langword="null"/> for no bound.</param>
    public static Layer Build(string json, long? valueBudget = null)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, s_parseOptions);
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"The architecture is not valid JSON: {error.Message}", error);
        }
        using (document)
        {
            var budget = valueBudget is { } values ? new StrongBox<long>(values) : null;
            return Build(document.RootElement, string.Empty, depth: 0, budget);
        }
    }

    private static JsonObject Describe(Layer layer, string path, string parameterName)
    {
        var config = layer.GetConfig() ?? throw new ArgumentException(
            $"The model cannot be saved as a whole-model file: {Where(path)} ({layer.GetType().Name}) does not describe " +
            $"itself (its GetConfig() returns null). Override GetConfig() to return new LayerConfig(\"{layer.GetType().Name}\") with its " +
            $"hyper-parameters, and register a factory once with LayerRegistry.Register(\"{layer.GetType().Name}\", " +
            "config => new ...(...)). To save the weights alone, use SafeTensors.Save(model.StateDict(), path).",
            parameterName);
        var node = new JsonObject { [TypeKey] = config.Type };
        var values = config.ToJson();
        if (values.Count > 0)
        {
            node[ConfigKey] = values;
        }
        if (layer.Children.Count > 0)
        {
            var children = new JsonArray();
            foreach (var child in layer.Children)
            {
                var described = Describe(child.Layer, Layer.Join(path, child.Name), parameterName);
                var named = new JsonObject { [NameKey] = child.Name };
                foreach (var (key, value) in described.ToList())
                {
                    described.Remove(key);
                    named[key] = value;
                }
                children.Add(named);
            }
            node[ChildrenKey] = children;
        }
        return node;
    }

    private static Layer Build(JsonElement node, string path, int depth, StrongBox<long>? valueBudget)
    {
        if (depth > MaxNesting)
        {
            throw Damaged(path, $"layers nest more than {MaxNesting} levels deep");
        }
        if (node.ValueKind != JsonValueKind.Object)
        {
            throw Damaged(path, $"its description must be a JSON object, but is {Kind(node)}");
        }
        var properties = Properties(node, path, path.Length == 0 ? [TypeKey, ConfigKey, ChildrenKey]
            : [NameKey, TypeKey, ConfigKey, ChildrenKey]);

        if (!properties.TryGetValue(TypeKey, out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
        {
            throw Damaged(path, "its description has no \"type\" string");
        }
        string type = typeElement.GetString()!;
        var factory = LayerRegistry.Find(type) ?? throw Damaged(path,
            $"its type '{type}' is not registered. Register the layer's factory, before saving or loading, with " +
            $"LayerRegistry.Register(\"{type}\", config => new ...(...)); registered types: " +
            $"{string.Join(", ", LayerRegistry.Types)}");

        var values = Config(properties, path, type);
        var (names, children) = Children(properties, path, depth, valueBudget);
        var config = LayerConfig.FromJson(type, values, children, valueBudget);

        Layer? layer;
        try
        {
            layer = factory(config);
        }
        catch (InvalidDataException error)
        {
            // The getters' messages name the hyper-parameter; the place and the type are added.
            throw new InvalidDataException($"{Prefix(path)} ({type}): {error.Message}", error);
        }
        catch (ArgumentException error)
        {
            throw Damaged(path, $"the factory of {type} refuses the hyper-parameters {config}: {MessageOf(error)}", error);
        }
        if (layer is null)
        {
            throw Damaged(path, $"the factory registered for {type} returned null");
        }
        if (config.UnreadNames.ToList() is { Count: > 0 } unread)
        {
            throw Damaged(path,
                $"it has hyper-parameter(s) {string.Join(", ", unread.Select(name => $"'{name}'"))} that the " +
                $"factory of {type} does not read (a damaged file, or one written for another version of {type})");
        }
        var rebuiltNames = layer.Children.Select(child => child.Name).ToList();
        if (!rebuiltNames.SequenceEqual(names, StringComparer.Ordinal))
        {
            throw Damaged(path,
                $"the file names its children [{string.Join(", ", names)}], but {type} was built with children " +
                $"[{string.Join(", ", rebuiltNames)}]");
        }
        return layer;
    }

    private static Dictionary<string, JsonElement> Properties(JsonElement node, string path, string[] allowed)
    {
        var properties = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in node.EnumerateObject())
        {
            if (Array.IndexOf(allowed, property.Name) < 0)
            {
                throw Damaged(path, $"its description has an unexpected key \"{property.Name}\" (expected " +
                                    $"{string.Join(", ", allowed.Select(key => $"\"{key}\""))})");
            }
            if (!properties.TryAdd(property.Name, property.Value))
            {
                throw Damaged(path, $"its description has the key \"{property.Name}\" twice");
            }
        }
        return properties;
    }

    private static JsonObject Config(Dictionary<string, JsonElement> properties, string path, string type)
    {
        var values = new JsonObject();
        if (!properties.TryGetValue(ConfigKey, out var config))
        {
            return values;
        }
        if (config.ValueKind != JsonValueKind.Object)
        {
            throw Damaged(path, $"the \"config\" of {type} must be a JSON object, but is {Kind(config)}");
        }
        foreach (var property in config.EnumerateObject())
        {
            if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
            {
                throw Damaged(path, $"hyper-parameter '{property.Name}' of {type} must be a number, string, boolean " +
                                    $"or null, but is {Kind(property.Value)}");
            }
            if (values.ContainsKey(property.Name))
            {
                throw Damaged(path, $"hyper-parameter '{property.Name}' of {type} appears twice");
            }
            values.Add(property.Name,
                property.Value.ValueKind == JsonValueKind.Null ? null : JsonValue.Create(property.Value.Clone()));
        }
        return values;
    }

    private static (List<string> Names, List<NamedLayer> Layers) Children(
        Dictionary<string, JsonElement> properties, string path, int depth, StrongBox<long>? valueBudget)
    {
        var names = new List<string>();
        var layers = new List<NamedLayer>();
        if (!properties.TryGetValue(ChildrenKey, out var children))
        {
            return (names, layers);
        }
        if (children.ValueKind != JsonValueKind.Array)
        {
            throw Damaged(path, $"its \"children\" must be a JSON array, but is {Kind(children)}");
        }
        int index = 0;
        foreach (var child in children.EnumerateArray())
        {
            string where = $"child {index.ToString(CultureInfo.InvariantCulture)}";
            if (child.ValueKind != JsonValueKind.Object
                || !child.TryGetProperty(NameKey, out var nameElement)
                || nameElement.ValueKind != JsonValueKind.String
                || nameElement.GetString() is not { Length: > 0 } name
                || name.Contains('.', StringComparison.Ordinal))
            {
                throw Damaged(path, $"its {where} has no \"name\" (a non-empty string without dots)");
            }
            if (names.Contains(name, StringComparer.Ordinal))
            {
                throw Damaged(path, $"two children are named \"{name}\"");
            }
            names.Add(name);
            layers.Add(new NamedLayer(name, Build(child, Layer.Join(path, name), depth + 1, valueBudget)));
            index++;
        }
        return (names, layers);
    }

    private static string Where(string path) => path.Length == 0 ? "the model's outermost layer" : $"layer {path}";

    private static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    /// <summary>An exception's message without what <see cref="ArgumentException"/> appends (the parameter's name and
    /// the actual value, which the description already shows) and without its final full stop.</summary>
    internal static string MessageOf(ArgumentException error)
    {
        string message = error.Message;
        int appended = error.ParamName is null ? -1 : message.IndexOf($" (Parameter '{error.ParamName}')", StringComparison.Ordinal);
        return (appended >= 0 ? message[..appended] : message).TrimEnd('.');
    }

    private static InvalidDataException Damaged(string path, string what, Exception? inner = null) =>
        new($"{Prefix(path)}, {what}.", inner);

    private static string Prefix(string path) => $"The model's architecture cannot be built: in {Where(path)}";
}
