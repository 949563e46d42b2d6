using System.Globalization;

namespace BatchNormSharp;

/// <summary>
/// Whole-model files: the weights <em>and</em> the architecture in one <c>.safetensors</c> file, so that
/// <see cref="Load"/> rebuilds the model without code (Keras's <c>model.save</c> / <c>load_model</c>). The tensors are
/// exactly those of <see cref="StateDictExtensions.StateDict"/>, in PyTorch's names and layout with
/// <c>format = pt</c>, so PyTorch's <c>load_state_dict(strict=True)</c> still reads the same file.
/// </summary>
/// <remarks>
/// <para><b>Format.</b> The safetensors header's <c>__metadata__</c> (a string-to-string map) holds, besides
/// <c>format = pt</c>, the key <see cref="FormatVersionKey"/> (<c>"1"</c>) and the key <see cref="ArchitectureKey"/>: a
/// JSON object per layer, <c>{"type": "Dense", "config": {"in_features": 4, "out_features": 10}}</c>, a container
/// listing its children with their names: <c>{"type": "Sequential", "children": [{"name": "0", "type": "Dense",
/// ...}, ...]}</c>. Each layer writes its own entry through <see cref="Layer.GetConfig"/>; <see cref="Load"/> builds
/// it again with the factory <see cref="LayerRegistry"/> holds for its type. <c>tools/pytorch/model_file.py</c>
/// rebuilds the PyTorch module from the same metadata.</para>
/// <para><b>Your own layers.</b> A layer whose <see cref="Layer.GetConfig"/> returns <see langword="null"/> (the
/// default) cannot be described, and <see cref="Save"/> refuses the whole model with a message saying how to make
/// it describable; it does not fall back silently to a weights-only file, which <see cref="Load"/> could not read.
/// <c>SafeTensors.Save(model.StateDict(), path)</c> saves the weights alone.</para>
/// <para><b>Checked both ways.</b> Before writing, <see cref="Save"/> builds the model again from its description and
/// requires the same description and the same tensor names and shapes, so a file that would not load back is never
/// written (this costs a second, freshly initialised copy of the model while saving). <see cref="Load"/> treats the
/// file as untrusted: damage of any kind (an unknown type, a missing or unexpected hyper-parameter, malformed JSON,
/// another format version, sizes far beyond what the file holds, tensors that do not fit the architecture) is an
/// <see cref="InvalidDataException"/> that says what is wrong, and no file is ever changed by loading.</para>
/// <para>A loaded model is in inference mode (<see cref="ForwardMode.Inference"/>), ready to predict; call
/// <see cref="LayerExtensions.Train"/> to go on training.</para>
/// </remarks>
public static class ModelFile
{
    /// <summary>The metadata key of the architecture's JSON.</summary>
    public const string ArchitectureKey = "batchnormsharp.architecture";

    /// <summary>The metadata key of the format version.</summary>
    public const string FormatVersionKey = "batchnormsharp.format_version";

    /// <summary>The version of the whole-model format this library writes and reads.</summary>
    public const int FormatVersion = 1;

    // 2^24 values (128 MB): room for the scratch of layers without tensors (a BatchNorm without affine or running
    // statistics) in any sensible model.
    private const long MinimumValueBudget = 1L << 24;

    /// <summary>
    /// Saves the weights and the architecture of <paramref name="model"/> to <paramref name="path"/>, replacing any
    /// existing file atomically (as <see cref="SafeTensors.Save(StateDictionary, string)"/>).
    /// </summary>
    /// <param name="model">The model; every layer in it must describe itself (<see cref="Layer.GetConfig"/>) under a
    /// registered type name.</param>
    /// <param name="path">The file to write, conventionally ending in <c>.safetensors</c>.</param>
    /// <exception cref="ArgumentException">A layer cannot be described, its type is not registered, or its factory
    /// does not build it back the same; nothing is written and an existing file is left as it was.</exception>
    /// <exception cref="IOException">The file cannot be written; an existing file is left as it was.</exception>
    public static void Save(Layer model, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        SafeTensors.Save(ToStateDictionary(model), path);
    }

    /// <summary>Rebuilds a model from a whole-model file and loads its weights.</summary>
    /// <param name="path">A file written by <see cref="Save"/>.</param>
    /// <returns>The model, in inference mode. <see cref="Load{TLayer}(string)"/> returns it as its outer type
    /// (<c>ModelFile.Load&lt;Sequential&gt;(path)</c>).</returns>
    /// <exception cref="InvalidDataException">The file is damaged, holds weights only, or its metadata is unknown or
    /// damaged; the message says what is wrong.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static Layer Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return FromStateDictionary(SafeTensors.Load(path));
    }

    /// <summary>Rebuilds a model of a known outer type from a whole-model file and loads its weights:
    /// <c>var model = ModelFile.Load&lt;Sequential&gt;("iris.safetensors");</c>.</summary>
    /// <typeparam name="TLayer">The type of the model's outermost layer, e.g. <see cref="Sequential"/>.</typeparam>
    /// <param name="path">A file written by <see cref="Save"/>.</param>
    /// <returns>The model, in inference mode.</returns>
    /// <exception cref="InvalidDataException">As for <see cref="Load"/>, or the file holds a model of another
    /// type.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static TLayer Load<TLayer>(string path) where TLayer : Layer
    {
        var model = Load(path);
        return model as TLayer ?? throw new InvalidDataException(
            $"The file holds a model whose outermost layer is a {model.GetType().Name}, not a {typeof(TLayer).Name}. " +
            $"Load it with ModelFile.Load(path) or ModelFile.Load<{model.GetType().Name}>(path).");
    }

    /// <summary>Writes a whole-model file to a stream (see <see cref="Save"/>).</summary>
    /// <param name="model">The model.</param>
    /// <param name="destination">A writable stream; it is not closed.</param>
    /// <exception cref="ArgumentException">As for <see cref="Save"/>; nothing is written.</exception>
    public static void Write(Layer model, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        SafeTensors.Write(ToStateDictionary(model), destination);
    }

    /// <summary>Rebuilds a model from the bytes of a whole-model file (see <see cref="Load"/>).</summary>
    /// <param name="file">The file's contents.</param>
    /// <returns>The model, in inference mode.</returns>
    /// <exception cref="InvalidDataException">As for <see cref="Load"/>.</exception>
    public static Layer Read(ReadOnlyMemory<byte> file) => FromStateDictionary(SafeTensors.Read(file));

    /// <summary>
    /// The model's state dictionary (<see cref="StateDictExtensions.StateDict"/>) with its architecture and the format
    /// version added to the metadata: what <see cref="Save"/> writes.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <returns>A snapshot of the weights with the metadata of a whole-model file.</returns>
    /// <exception cref="ArgumentException">As for <see cref="Save"/>.</exception>
    public static StateDictionary ToStateDictionary(Layer model)
    {
        ArgumentNullException.ThrowIfNull(model);
        string architecture = ModelArchitecture.Describe(model);
        RequireRebuildable(model, architecture);
        var state = model.StateDict();
        state.Metadata[FormatVersionKey] = FormatVersion.ToString(CultureInfo.InvariantCulture);
        state.Metadata[ArchitectureKey] = architecture;
        return state;
    }

    /// <summary>Rebuilds the model a state dictionary's metadata describes and loads the dictionary into it.</summary>
    /// <param name="state">A state dictionary read from a whole-model file.</param>
    /// <returns>The model, in inference mode.</returns>
    /// <exception cref="InvalidDataException">As for <see cref="Load"/>.</exception>
    public static Layer FromStateDictionary(StateDictionary state)
    {
        ArgumentNullException.ThrowIfNull(state);
        string architecture = ArchitectureOf(state.Metadata);
        // A damaged size must not make a constructor allocate far more than the file justifies: an untrusted file's
        // memory use stays bounded by its size, as SafeTensors.Load promises. Layers keep scratch besides their
        // tensors, and some have no tensors at all, hence the factor and the floor.
        long values = state.Values.Sum(tensor => (long)tensor.Length);
        var model = ModelArchitecture.Build(architecture, (4 * values) + MinimumValueBudget);
        try
        {
            model.LoadStateDict(state, strict: true);
        }
        catch (ArgumentException error)
        {
            throw new InvalidDataException(
                $"The file's tensors do not fit the architecture in its metadata. {ModelArchitecture.MessageOf(error)}.", error);
        }
        return model.Eval();
    }

    /// <summary>
    /// A deep copy of <paramref name="model"/> made the way <see cref="Save"/> and <see cref="Load"/> would make it,
    /// without a file: built again from its description (<see cref="Layer.GetConfig"/> and the
    /// <see cref="LayerRegistry"/>) with every parameter and buffer copied, so it works for every describable layer,
    /// yours included, without knowing its type (PyTorch's <c>copy.deepcopy</c> of a module).
    /// </summary>
    /// <typeparam name="TLayer">The model's type, which the copy has too.</typeparam>
    /// <param name="model">The model to copy; it is not changed.</param>
    /// <returns>An independent model with the same architecture, values and mode; no forward pass is cached.</returns>
    /// <exception cref="ArgumentException">A layer cannot be described or its type is not registered, or its factory
    /// builds a layer of another type or with other tensors; the message says which.</exception>
    public static TLayer Copy<TLayer>(TLayer model) where TLayer : Layer
    {
        ArgumentNullException.ThrowIfNull(model);
        string architecture = ModelArchitecture.Describe(model);
        Layer rebuilt;
        try
        {
            rebuilt = ModelArchitecture.Build(architecture);
            rebuilt.LoadStateDict(model.StateDict(), strict: true);
        }
        catch (Exception error) when (error is InvalidDataException or ArgumentException)
        {
            throw new ArgumentException(
                $"The model cannot be copied, because its description does not build it back. {error.Message}",
                nameof(model), error);
        }
        if (rebuilt is not TLayer copy)
        {
            throw new ArgumentException(
                $"The model cannot be copied: it is a {model.GetType().Name}, but the factory registered for " +
                $"'{model.GetConfig()!.Type}' builds a {rebuilt.GetType().Name}.", nameof(model));
        }
        copy.Mode = model.Mode;
        return copy;
    }

    /// <summary>The architecture's JSON, after checking the format version.</summary>
    private static string ArchitectureOf(IDictionary<string, string> metadata)
    {
        bool hasVersion = metadata.TryGetValue(FormatVersionKey, out string? version);
        bool hasArchitecture = metadata.TryGetValue(ArchitectureKey, out string? architecture);
        if (!hasVersion && !hasArchitecture)
        {
            throw new InvalidDataException(
                $"The file holds weights only: its metadata has no '{ArchitectureKey}'. Build the model in code and " +
                "load the weights with model.LoadStateDict(SafeTensors.Load(path)), or save whole models with " +
                "ModelFile.Save(model, path).");
        }
        if (!hasVersion)
        {
            throw new InvalidDataException(
                $"The file's metadata has an architecture but no '{FormatVersionKey}'; the file is damaged.");
        }
        if (!int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out int number))
        {
            throw new InvalidDataException(
                $"The file's '{FormatVersionKey}' must be a whole number such as \"{FormatVersion}\", but is " +
                $"\"{version}\"; the file is damaged.");
        }
        if (number != FormatVersion)
        {
            throw new InvalidDataException(number > FormatVersion
                ? $"The file is a whole-model file of format version {number}, written by a newer BatchNormSharp; this " +
                  $"version reads format {FormatVersion}. Update the BatchNormSharp package to load it."
                : $"The file claims whole-model format version {number}, which never existed; this version reads " +
                  $"format {FormatVersion}. The file is damaged.");
        }
        if (!hasArchitecture)
        {
            throw new InvalidDataException(
                $"The file's metadata has a format version but no '{ArchitectureKey}'; the file is damaged.");
        }
        return architecture!;
    }

    /// <summary>
    /// Builds the model again from its description and requires the same description and the same tensor names and
    /// shapes: a factory that forgets a hyper-parameter or builds another layer is caught when saving, not when a file
    /// is read months later.
    /// </summary>
    private static void RequireRebuildable(Layer model, string architecture)
    {
        Layer rebuilt;
        try
        {
            rebuilt = ModelArchitecture.Build(architecture);
        }
        catch (InvalidDataException error)
        {
            throw new ArgumentException(
                $"The model cannot be saved as a whole-model file, because it would not load back. {error.Message}",
                nameof(model), error);
        }
        string again = ModelArchitecture.Describe(rebuilt);
        if (again != architecture)
        {
            throw new ArgumentException(
                "The model cannot be saved as a whole-model file, because a registered factory does not build its " +
                $"layer back the same: the model is described as {architecture}, but the rebuilt model as {again}. " +
                "Make each factory read every hyper-parameter its layer's GetConfig() writes.", nameof(model));
        }
        var expected = model.NamedState().Select(entry => (entry.Name, Shape: ShapeOf(entry))).ToList();
        var actual = rebuilt.NamedState().Select(entry => (entry.Name, Shape: ShapeOf(entry))).ToList();
        if (!expected.SequenceEqual(actual))
        {
            throw new ArgumentException(
                "The model cannot be saved as a whole-model file, because the model its description builds has other " +
                $"tensors: [{Format(expected)}] in the model, [{Format(actual)}] rebuilt. Make each layer's " +
                "GetConfig() describe every hyper-parameter that decides its tensors' shapes.", nameof(model));
        }
    }

    private static string ShapeOf(NamedStateEntry entry) =>
        Tensor.FormatShape(entry.Value.Shape);

    private static string Format(List<(string Name, string Shape)> entries) =>
        string.Join(", ", entries.Select(entry => $"{entry.Name} {entry.Shape}"));
}
