using System.Globalization;
using System.Text;

namespace BatchNormSharp;

/// <summary>
/// The code shared by every state dictionary (a model's, an optimizer's): copy live tensors out in PyTorch's layout,
/// check a dictionary against them, and copy it back in only when everything fits.
/// </summary>
internal static class StateEntries
{
    /// <summary>Adds a copy of every entry to <paramref name="state"/>, in PyTorch's layout.</summary>
    public static void CopyOut(IEnumerable<StateEntry> entries, StateDictionary state)
    {
        foreach (var entry in entries)
        {
            var copy = Tensor.Zeros(entry.SavedShape);
            if (entry.Transposed)
            {
                Transpose(entry.Value.AsReadOnlySpan(), entry.Value.Shape[0], entry.Value.Shape[1], copy.AsSpan());
            }
            else
            {
                entry.Value.AsReadOnlySpan().CopyTo(copy.AsSpan());
            }
            state.Add(entry.Name, copy, entry.IsInteger);
        }
    }

    /// <summary>
    /// Checks <paramref name="state"/> against <paramref name="entries"/> and, only when everything fits, copies it in.
    /// </summary>
    /// <param name="entries">The live tensors to load into.</param>
    /// <param name="state">The dictionary to load from.</param>
    /// <param name="strict">Whether missing and unexpected names are errors (shapes and counts always are).</param>
    /// <param name="header">The first sentence of the error, e.g. "The state dictionary does not fit the model".</param>
    /// <param name="parameterName">The argument that carried <paramref name="state"/>.</param>
    /// <exception cref="ArgumentException">The state does not fit; the message names every problem at once.</exception>
    public static void CopyIn(IReadOnlyList<StateEntry> entries, StateDictionary state, bool strict, string header,
        string parameterName)
    {
        string? problems = Problems(entries, state, strict, header);
        if (problems is not null)
        {
            throw new ArgumentException(problems, parameterName);
        }
        foreach (var entry in entries)
        {
            if (state.TryGetValue(entry.Name, out var source))
            {
                CopyIn(source, entry);
            }
        }
    }

    /// <summary>Every reason the state cannot be loaded, as one message; <see langword="null"/> when it fits.</summary>
    private static string? Problems(IReadOnlyList<StateEntry> entries, StateDictionary state, bool strict, string header)
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

        var message = new StringBuilder(header).Append(" (nothing was loaded):");
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

    private static void CopyIn(Tensor source, StateEntry entry)
    {
        if (ReferenceEquals(source, entry.Value))
        {
            // A dictionary holding the live tensor itself: transposing in place would read what it has overwritten.
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
