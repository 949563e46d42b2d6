using System.Globalization;
using System.Text;

namespace BatchNormSharp;

/// <summary>
/// Copies a model's parameters and buffers to and from a <see cref="StateDictionary"/> in PyTorch's names and
/// layout: PyTorch's <c>state_dict()</c> and <c>load_state_dict()</c>.
/// </summary>
/// <remarks>
/// <para>The layout is PyTorch's, so that a <c>torch.nn.Sequential</c> of the same architecture loads the saved file:
/// a <see cref="Dense"/> weight, stored here as <c>[in, out]</c>, appears transposed as <c>[out, in]</c>, and
/// <c>num_batches_tracked</c> is an integer scalar.</para>
/// <para>Saving and loading with <see cref="SafeTensors"/>:
/// <code>
/// SafeTensors.Save(model.StateDict(), "model.safetensors");
/// model.LoadStateDict(SafeTensors.Load("model.safetensors"));
/// </code></para>
/// </remarks>
public static class StateDictExtensions
{
    /// <summary>
    /// Copies every parameter and buffer of <paramref name="model"/> into a new state dictionary: layer by layer,
    /// its parameters and then its buffers, named as in <see cref="NamedStateExtensions"/>.
    /// </summary>
    /// <param name="model">A layer or container.</param>
    /// <returns>A snapshot (later training does not change it), with metadata <c>format = pt</c>.</returns>
    public static StateDictionary StateDict(this Layer model)
    {
        var state = new StateDictionary();
        state.Metadata["format"] = "pt";
        foreach (var entry in Entries(model))
        {
            var copy = Tensor.Zeros(entry.SavedShape);
            CopyOut(entry, copy);
            state.Add(entry.Name, copy, entry.IsInteger);
        }
        return state;
    }

    /// <summary>
    /// Copies the entries of <paramref name="state"/> into the parameters and buffers of <paramref name="model"/>.
    /// Everything is checked first: on any error nothing is changed.
    /// </summary>
    /// <param name="model">The model to load into.</param>
    /// <param name="state">Tensors in PyTorch's names and layout, e.g. from <see cref="SafeTensors.Load(string)"/>.</param>
    /// <param name="strict">When <see langword="true"/> (the default, as in PyTorch) the names must match exactly;
    /// when <see langword="false"/>, entries missing from <paramref name="state"/> are left as they are and entries
    /// the model does not have are ignored. Shapes must match either way.</param>
    /// <returns>The names the model has that <paramref name="state"/> lacks, and the names <paramref name="state"/> has
    /// that the model lacks, as PyTorch's <c>load_state_dict</c> returns them: both empty after a strict load, and
    /// what was skipped after a non-strict one.</returns>
    /// <exception cref="ArgumentException">The state does not fit the model. The message names every missing,
    /// unexpected and mis-shaped entry (and every integer entry holding something other than a count ≥ 0) at
    /// once.</exception>
    public static StateDictLoadResult LoadStateDict(this Layer model, StateDictionary state, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(state);
        var entries = Entries(model).ToList();
        string? problems = Problems(entries, state, strict);
        if (problems is not null)
        {
            throw new ArgumentException(problems, nameof(state));
        }
        foreach (var entry in entries)
        {
            if (state.TryGetValue(entry.Name, out var source))
            {
                CopyIn(source, entry);
            }
        }
        var names = new HashSet<string>(entries.Select(entry => entry.Name), StringComparer.Ordinal);
        return new StateDictLoadResult(
            [.. entries.Select(entry => entry.Name).Where(name => !state.ContainsKey(name))],
            [.. state.Keys.Where(name => !names.Contains(name))]);
    }

    /// <summary>A model tensor as the state dictionary sees it.</summary>
    private sealed record Entry(string Name, Tensor Value, bool Transposed, bool IsInteger)
    {
        /// <summary>The shape in PyTorch's layout.</summary>
        public int[] SavedShape => Transposed ? [Value.Shape[1], Value.Shape[0]] : Value.Shape.ToArray();
    }

    /// <summary>Every layer's parameters, then its buffers, layer by layer: PyTorch's state-dict order.</summary>
    private static IEnumerable<Entry> Entries(Layer model)
    {
        ArgumentNullException.ThrowIfNull(model);
        foreach (var entry in model.NamedState())
        {
            yield return entry.Parameter is { } parameter
                ? new Entry(entry.Name, parameter.Value, parameter.TransposedInStateDict && parameter.Value.Rank == 2,
                    IsInteger: false)
                : new Entry(entry.Name, entry.Buffer!.Value, Transposed: false, entry.Buffer.IsInteger);
        }
    }

    /// <summary>Every reason the state cannot be loaded, as one message; <see langword="null"/> when it fits.</summary>
    private static string? Problems(List<Entry> entries, StateDictionary state, bool strict)
    {
        var expectedNames = new HashSet<string>(entries.Select(entry => entry.Name), StringComparer.Ordinal);
        var missing = new List<string>();
        var misShaped = new List<string>();
        var badCounts = new List<string>();
        foreach (var entry in entries)
        {
            if (!state.TryGetValue(entry.Name, out var source))
            {
                missing.Add(entry.Name);
            }
            else if (!source.Shape.SequenceEqual(entry.SavedShape))
            {
                misShaped.Add($"{entry.Name}: expected {Tensor.FormatShape(entry.SavedShape)}, got " +
                              $"{Tensor.FormatShape(source.Shape)}");
            }
            else if (entry.IsInteger && !IsCount(source))
            {
                badCounts.Add($"{entry.Name}: expected a whole number of 0 or more");
            }
        }
        var unexpected = state.Keys.Where(name => !expectedNames.Contains(name)).ToList();
        if (!strict)
        {
            missing.Clear();
            unexpected.Clear();
        }
        if (missing.Count + unexpected.Count + misShaped.Count + badCounts.Count == 0)
        {
            return null;
        }

        var message = new StringBuilder("The state dictionary does not fit the model (nothing was loaded):");
        AppendList(message, "Missing", missing);
        AppendList(message, "Unexpected", unexpected);
        AppendList(message, "Mis-shaped", misShaped);
        AppendList(message, "Invalid count", badCounts);
        return message.ToString();
    }

    internal static void AppendList(StringBuilder message, string kind, List<string> items)
    {
        if (items.Count > 0)
        {
            message.Append(CultureInfo.InvariantCulture,
                $"\n  {kind} ({items.Count}): {string.Join(", ", items)}.");
        }
    }

    private static bool IsCount(Tensor value)
    {
        foreach (double x in value.AsReadOnlySpan())
        {
            if (x < 0)
            {
                return false;
            }
        }
        return StateDictionary.HoldsWholeNumbers(value);
    }

    private static void CopyOut(Entry entry, Tensor destination)
    {
        if (entry.Transposed)
        {
            Transpose(entry.Value.AsReadOnlySpan(), entry.Value.Shape[0], entry.Value.Shape[1], destination.AsSpan());
        }
        else
        {
            entry.Value.AsReadOnlySpan().CopyTo(destination.AsSpan());
        }
    }

    private static void CopyIn(Tensor source, Entry entry)
    {
        if (ReferenceEquals(source, entry.Value))
        {
            // A dictionary holding the model's own tensor: transposing in place would read what it has overwritten.
            source = source.Clone();
        }
        if (entry.Transposed)
        {
            Transpose(source.AsReadOnlySpan(), source.Shape[0], source.Shape[1], entry.Value.AsSpan());
        }
        else
        {
            source.AsReadOnlySpan().CopyTo(entry.Value.AsSpan());
        }
    }

    /// <summary>Writes the transpose of a row-major <c>[rows, columns]</c> matrix, row-major <c>[columns, rows]</c>.</summary>
    internal static void Transpose(ReadOnlySpan<double> source, int rows, int columns, Span<double> destination)
    {
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                destination[(j * rows) + i] = source[(i * columns) + j];
            }
        }
    }
}
