using System.Globalization;
using System.Text;

namespace BatchNormSharp;

/// <summary>
/// Saves and restores the momentum buffers of an <see cref="SgdMomentum"/>, so that training resumes exactly where
/// it stopped: PyTorch's <c>optimizer.state_dict()</c> and <c>load_state_dict()</c>.
/// </summary>
/// <remarks>
/// <para>Each buffer is named after its parameter's state-dict name with <c>.momentum_buffer</c> appended
/// (<c>0.weight.momentum_buffer</c>) and has the parameter's PyTorch layout, so the model is needed to name them.
/// The hyper-parameters are recorded as metadata, for reference; they are not restored.</para>
/// <code>
/// SafeTensors.Save(model.StateDict(), "model.safetensors");
/// SafeTensors.Save(optimizer.StateDict(model), "optimizer.safetensors");
/// // later, into freshly built objects:
/// model.LoadStateDict(SafeTensors.Load("model.safetensors"));
/// optimizer.LoadStateDict(model, SafeTensors.Load("optimizer.safetensors"));
/// </code>
/// </remarks>
public static class SgdMomentumStateExtensions
{
    private const string Suffix = ".momentum_buffer";

    /// <summary>Copies the momentum buffers into a new state dictionary, named after the model's parameters.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="model">The model whose parameters the optimizer updates; it supplies the names.</param>
    /// <returns>A snapshot of the buffers.</returns>
    /// <exception cref="ArgumentException">An optimizer parameter is not a parameter of <paramref name="model"/>.</exception>
    public static StateDictionary StateDict(this SgdMomentum optimizer, Layer model)
    {
        var state = new StateDictionary();
        ArgumentNullException.ThrowIfNull(optimizer);
        state.Metadata["optimizer"] = "SGD";
        state.Metadata["lr"] = optimizer.LearningRate.ToString("R", CultureInfo.InvariantCulture);
        state.Metadata["momentum"] = optimizer.Momentum.ToString("R", CultureInfo.InvariantCulture);
        state.Metadata["weight_decay"] = optimizer.WeightDecay.ToString("R", CultureInfo.InvariantCulture);
        state.Metadata["nesterov"] = optimizer.Nesterov ? "true" : "false";
        foreach (var buffer in Buffers(optimizer, model))
        {
            var copy = Tensor.Zeros(buffer.SavedShape);
            if (buffer.Transposed)
            {
                StateDictExtensions.Transpose(buffer.Velocity.AsReadOnlySpan(), buffer.Velocity.Shape[0],
                    buffer.Velocity.Shape[1], copy.AsSpan());
            }
            else
            {
                buffer.Velocity.AsReadOnlySpan().CopyTo(copy.AsSpan());
            }
            state.Add(buffer.Name, copy);
        }
        return state;
    }

    /// <summary>
    /// Restores the momentum buffers from <paramref name="state"/>. Everything is checked first: on any error nothing
    /// is changed.
    /// </summary>
    /// <param name="optimizer">The optimizer, built over the same parameters as the one that was saved.</param>
    /// <param name="model">The model whose parameters the optimizer updates; it supplies the names.</param>
    /// <param name="state">Buffers from <see cref="StateDict"/>.</param>
    /// <exception cref="ArgumentException">An optimizer parameter is not in the model, or the state's names and
    /// shapes differ from the optimizer's; the message names every missing, unexpected and mis-shaped entry.</exception>
    public static void LoadStateDict(this SgdMomentum optimizer, Layer model, StateDictionary state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var buffers = Buffers(optimizer, model);
        var missing = new List<string>();
        var misShaped = new List<string>();
        foreach (var buffer in buffers)
        {
            if (!state.TryGetValue(buffer.Name, out var source))
            {
                missing.Add(buffer.Name);
            }
            else if (!source.Shape.SequenceEqual(buffer.SavedShape))
            {
                misShaped.Add($"{buffer.Name}: expected {Tensor.FormatShape(buffer.SavedShape)}, got " +
                              $"{Tensor.FormatShape(source.Shape)}");
            }
        }
        var names = new HashSet<string>(buffers.Select(buffer => buffer.Name), StringComparer.Ordinal);
        var unexpected = state.Keys.Where(name => !names.Contains(name)).ToList();
        if (missing.Count + misShaped.Count + unexpected.Count > 0)
        {
            var message = new StringBuilder("The optimizer state does not fit the optimizer (nothing was loaded):");
            StateDictExtensions.AppendList(message, "Missing", missing);
            StateDictExtensions.AppendList(message, "Unexpected", unexpected);
            StateDictExtensions.AppendList(message, "Mis-shaped", misShaped);
            throw new ArgumentException(message.ToString(), nameof(state));
        }

        foreach (var buffer in buffers)
        {
            var source = state[buffer.Name];
            if (buffer.Transposed)
            {
                StateDictExtensions.Transpose(source.AsReadOnlySpan(), source.Shape[0], source.Shape[1],
                    buffer.Velocity.AsSpan());
            }
            else
            {
                source.AsReadOnlySpan().CopyTo(buffer.Velocity.AsSpan());
            }
        }
    }

    private sealed record Buffer(string Name, Tensor Velocity, bool Transposed)
    {
        public int[] SavedShape => Transposed ? [Velocity.Shape[1], Velocity.Shape[0]] : Velocity.Shape.ToArray();
    }

    /// <summary>The optimizer's velocities, each named after its parameter in <paramref name="model"/>.</summary>
    private static List<Buffer> Buffers(SgdMomentum optimizer, Layer model)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(model);
        var names = new Dictionary<Parameter, string>(ReferenceEqualityComparer.Instance);
        foreach (var (name, parameter) in model.NamedParameters())
        {
            names.TryAdd(parameter, name);
        }

        var buffers = new List<Buffer>(optimizer.Parameters.Count);
        for (int i = 0; i < optimizer.Parameters.Count; i++)
        {
            var parameter = optimizer.Parameters[i];
            if (!names.TryGetValue(parameter, out string? name))
            {
                throw new ArgumentException(
                    $"Optimizer parameter {i.ToString(CultureInfo.InvariantCulture)} ({parameter}) is not a parameter " +
                    "of the model given, so it has no state-dict name. Pass the model the optimizer trains.",
                    nameof(model));
            }
            buffers.Add(new Buffer(name + Suffix, optimizer.Velocities[i],
                parameter.TransposedInStateDict && parameter.Value.Rank == 2));
        }
        return buffers;
    }
}
