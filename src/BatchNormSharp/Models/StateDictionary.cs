using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace BatchNormSharp;

/// <summary>
/// An ordered map from state-dict names to tensors in PyTorch's layout: what
/// <see cref="StateDictExtensions.StateDict"/> returns, <see cref="StateDictExtensions.LoadStateDict"/> reads and
/// <see cref="SafeTensors"/> writes to and reads from files.
/// </summary>
/// <remarks>
/// <para>Entries keep the order they were added in (a model's state dictionary lists each layer's parameters, then
/// its buffers, layer by layer, as PyTorch does). Names are compared ordinally.</para>
/// <para>An entry may be marked as an integer (PyTorch's <c>int64</c> <c>num_batches_tracked</c>); it then holds whole
/// numbers only and is saved as <c>I64</c>. Every other entry is saved as <c>F64</c>.</para>
/// <para>The dictionary holds the tensors it is given, not copies.</para>
/// </remarks>
public sealed class StateDictionary : IReadOnlyDictionary<string, Tensor>
{
    /// <summary>The header key that the safetensors format reserves for string metadata; not a valid entry name.</summary>
    internal const string MetadataKey = "__metadata__";

    // 2^53: every whole number up to this size is exact in a double, so an int64 count survives the round trip.
    private const double LargestExactInteger = 9007199254740992.0;

    private readonly List<string> _names = [];
    private readonly Dictionary<string, (Tensor Value, bool IsInteger)> _entries = new(StringComparer.Ordinal);

    /// <summary>
    /// Free-form string metadata, saved as the safetensors header's <c>__metadata__</c> (for example the format
    /// marker <c>format = pt</c>, which a model's state dictionary carries). Sorted by key.
    /// </summary>
    public IDictionary<string, string> Metadata { get; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The number of entries.</summary>
    public int Count => _names.Count;

    /// <summary>The names, in the order the entries were added.</summary>
    public IEnumerable<string> Keys => _names;

    /// <summary>The tensors, in the order the entries were added.</summary>
    public IEnumerable<Tensor> Values => _names.Select(name => _entries[name].Value);

    /// <summary>The tensor stored under <paramref name="key"/>.</summary>
    /// <param name="key">The state-dict name, e.g. <c>1.running_mean</c>.</param>
    /// <exception cref="KeyNotFoundException">There is no entry of that name.</exception>
    public Tensor this[string key] => _entries.TryGetValue(key, out var entry)
        ? entry.Value
        : throw new KeyNotFoundException($"The state dictionary has no entry named '{key}'.");

    /// <summary>Adds an entry at the end.</summary>
    /// <param name="name">The state-dict name: not empty, not <c>__metadata__</c>, not already present.</param>
    /// <param name="value">The tensor, in PyTorch's layout (a linear layer's weight as <c>[out, in]</c>).</param>
    /// <param name="isInteger">Whether the entry is a count saved as <c>int64</c>; its values must then be whole
    /// numbers of magnitude at most 2^53.</param>
    /// <exception cref="ArgumentException">The name is empty, reserved or taken, or an integer entry holds a value that
    /// is not a whole number.</exception>
    public void Add(string name, Tensor value, bool isInteger = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        if (name == MetadataKey)
        {
            throw new ArgumentException(
                $"'{MetadataKey}' is reserved by the safetensors format for metadata; use the Metadata property.",
                nameof(name));
        }
        if (_entries.ContainsKey(name))
        {
            throw new ArgumentException($"The state dictionary already has an entry named '{name}'.", nameof(name));
        }
        if (isInteger)
        {
            RequireWholeNumbers(name, value);
        }
        _entries.Add(name, (value, isInteger));
        _names.Add(name);
    }

    /// <summary>Whether the entry <paramref name="name"/> is an integer count (saved as <c>I64</c>).</summary>
    /// <param name="name">The state-dict name.</param>
    /// <returns><see langword="true"/> for an integer entry.</returns>
    /// <exception cref="KeyNotFoundException">There is no entry of that name.</exception>
    public bool IsInteger(string name) => _entries.TryGetValue(name, out var entry)
        ? entry.IsInteger
        : throw new KeyNotFoundException($"The state dictionary has no entry named '{name}'.");

    /// <summary>Whether there is an entry named <paramref name="key"/>.</summary>
    /// <param name="key">The state-dict name.</param>
    /// <returns><see langword="true"/> when present.</returns>
    public bool ContainsKey(string key) => _entries.ContainsKey(key);

    /// <summary>Gets the tensor named <paramref name="key"/>, if present.</summary>
    /// <param name="key">The state-dict name.</param>
    /// <param name="value">The tensor, or <see langword="null"/> when absent.</param>
    /// <returns><see langword="true"/> when present.</returns>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out Tensor value)
    {
        bool found = _entries.TryGetValue(key, out var entry);
        value = entry.Value;
        return found;
    }

    /// <summary>The entries, in the order they were added.</summary>
    /// <returns>An enumerator of name–tensor pairs.</returns>
    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator() =>
        _names.Select(name => new KeyValuePair<string, Tensor>(name, _entries[name].Value)).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>One line per entry with its shape, e.g. <c>0.weight [10, 4]</c>.</summary>
    /// <returns>The listing.</returns>
    public override string ToString() => string.Join("\n",
        _names.Select(name => $"{name} {Tensor.FormatShape(_entries[name].Value.Shape)}{(_entries[name].IsInteger ? " int64" : "")}"));

    /// <summary>Whether every value is a whole number that a double holds exactly (what an int64 entry may hold).</summary>
    internal static bool HoldsWholeNumbers(Tensor value)
    {
        foreach (double x in value.AsReadOnlySpan())
        {
            if (Math.Floor(x) != x || Math.Abs(x) > LargestExactInteger)
            {
                return false;
            }
        }
        return true;
    }

    private static void RequireWholeNumbers(string name, Tensor value)
    {
        if (!HoldsWholeNumbers(value))
        {
            throw new ArgumentException(
                $"Integer entry '{name}' must hold whole numbers of magnitude at most 2^53 " +
                $"({LargestExactInteger.ToString(CultureInfo.InvariantCulture)}), but holds other values.",
                nameof(value));
        }
    }
}
