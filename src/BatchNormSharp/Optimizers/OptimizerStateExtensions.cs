using System.Globalization;

namespace BatchNormSharp;

/// <summary>
/// Saves and restores an optimizer's state, so that training resumes exactly where it stopped: PyTorch's
/// <c>optimizer.state_dict()</c> and <c>load_state_dict()</c>, through the same code as the model's
/// <see cref="StateDictExtensions"/>.
/// </summary>
/// <remarks>
/// <para>A per-parameter entry is named after its parameter's state-dict name with the state's name appended
/// (<c>0.weight.exp_avg</c>, <c>0.weight.momentum_buffer</c>) and has the parameter's PyTorch layout, so the model is
/// needed to name them; optimizer-wide entries keep their bare name (<c>step</c>). The hyper-parameters and the
/// optimizer's type are recorded as metadata, for reference; they are not restored.</para>
/// <code>
/// SafeTensors.Save(model.StateDict(), "model.safetensors");
/// SafeTensors.Save(optimizer.StateDict(model), "optimizer.safetensors");
/// // later, into freshly built objects:
/// model.LoadStateDict(SafeTensors.Load("model.safetensors"));
/// optimizer.LoadStateDict(model, SafeTensors.Load("optimizer.safetensors"));
/// </code>
/// </remarks>
public static class OptimizerStateExtensions
{
    /// <summary>Copies the optimizer's state into a new state dictionary, named after the model's parameters.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="model">The model whose parameters the optimizer updates; it supplies the names.</param>
    /// <returns>A snapshot of the state, with metadata <c>optimizer</c> (the type's name) and the hyper-parameters.</returns>
    /// <exception cref="ArgumentException">An optimizer parameter is not a parameter of <paramref name="model"/>.</exception>
    public static StateDictionary StateDict(this IOptimizer optimizer, Layer model)
    {
        var entries = Entries(optimizer, model);
        var state = new StateDictionary();
        state.Metadata["optimizer"] = optimizer.GetType().Name;
        foreach (var (key, value) in optimizer.Hyperparameters)
        {
            state.Metadata[key] = value;
        }
        StateEntries.CopyOut(entries, state);
        return state;
    }

    /// <summary>
    /// Restores the optimizer's state from <paramref name="state"/>. Everything is checked first: on any error nothing
    /// is changed.
    /// </summary>
    /// <param name="optimizer">The optimizer, built over the same parameters (and with the same options, such as
    /// <c>amsgrad</c>) as the one that was saved.</param>
    /// <param name="model">The model whose parameters the optimizer updates; it supplies the names.</param>
    /// <param name="state">State from <see cref="StateDict"/>.</param>
    /// <exception cref="ArgumentException">An optimizer parameter is not in the model, or the state's names, shapes or
    /// counts differ from the optimizer's; the message names every missing, unexpected and mis-shaped entry.</exception>
    public static void LoadStateDict(this IOptimizer optimizer, Layer model, StateDictionary state)
    {
        ArgumentNullException.ThrowIfNull(state);
        StateEntries.CopyIn(Entries(optimizer, model), state, strict: true,
            "The optimizer state does not fit the optimizer", nameof(state));
    }

    /// <summary>The optimizer's state entries, each named after its parameter in <paramref name="model"/>.</summary>
    private static List<StateEntry> Entries(IOptimizer optimizer, Layer model)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(model);
        // The one place that reads names from the model: its public enumeration of named parameters.
        var names = new Dictionary<Parameter, string>(ReferenceEqualityComparer.Instance);
        foreach (var (name, parameter) in model.NamedParameters())
        {
            names.TryAdd(parameter, name);
        }

        var entries = new List<StateEntry>(optimizer.State.Count);
        foreach (var entry in optimizer.State)
        {
            if (entry.ParameterIndex is not int index)
            {
                entries.Add(new StateEntry(entry.Name, entry.Value, Transposed: false, entry.IsInteger));
                continue;
            }
            var parameter = optimizer.Parameters[index];
            if (!names.TryGetValue(parameter, out string? name))
            {
                throw new ArgumentException(
                    $"Optimizer parameter {index.ToString(CultureInfo.InvariantCulture)} ({parameter}) is not a " +
                    "parameter of the model given, so it has no state-dict name. Pass the model the optimizer trains.",
                    nameof(model));
            }
            entries.Add(new StateEntry(name + "." + entry.Name, entry.Value,
                parameter.TransposedInStateDict && entry.Value.Rank == 2, entry.IsInteger));
        }
        return entries;
    }
}
