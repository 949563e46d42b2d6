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
        StateEntries.CopyOut(Entries(model), state);
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
        List<StateEntry> entries = [.. Entries(model)];
        StateEntries.CopyIn(entries, state, strict, "The state dictionary does not fit the model", nameof(state));
        var names = new HashSet<string>(entries.Select(entry => entry.Name), StringComparer.Ordinal);
        return new StateDictLoadResult(
            [.. entries.Select(entry => entry.Name).Where(name => !state.ContainsKey(name))],
            [.. state.Keys.Where(name => !names.Contains(name))]);
    }

    /// <summary>Every layer's parameters, then its buffers, layer by layer: PyTorch's state-dict order.</summary>
    private static IEnumerable<StateEntry> Entries(Layer model)
    {
        ArgumentNullException.ThrowIfNull(model);
        foreach (var entry in model.NamedState())
        {
            yield return entry.Parameter is { } parameter
                ? new StateEntry(entry.Name, parameter.Value, parameter.TransposedInStateDict && parameter.Value.Rank == 2,
                    IsInteger: false)
                : new StateEntry(entry.Name, entry.Buffer!.Value, Transposed: false, entry.Buffer.IsInteger);
        }
    }
}
