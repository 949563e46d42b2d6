using System.Globalization;
using System.Text;

namespace BatchNormSharp.Tests;

/// <summary>
/// A bit-exact copy of the state of some layers: every parameter's value and gradient and every buffer (running
/// statistics, <c>num_batches_tracked</c>), and optionally an optimizer's momentum buffers. <see cref="ShouldBeUnchanged"/> proves that a call changed nothing; <see cref="Restore"/> puts the
/// state back, which is how the gradient checker keeps running statistics untouched.
/// </summary>
internal sealed class StateSnapshot
{
    private readonly List<Entry> _entries;

    private StateSnapshot(List<Entry> entries) => _entries = entries;

    /// <summary>The number of tensors captured.</summary>
    public int Count => _entries.Count;

    /// <summary>Captures every parameter, gradient and buffer of <paramref name="layers"/>.</summary>
    public static StateSnapshot Of(params Layer[] layers)
    {
        var entries = new List<Entry>();
        for (int i = 0; i < layers.Length; i++)
        {
            string prefix = i.ToString(CultureInfo.InvariantCulture) + ".";
            AddParameters(entries, prefix, layers[i].Parameters);
            AddBuffers(entries, prefix, layers[i].Buffers);
        }
        return new StateSnapshot(entries);
    }

    /// <summary>
    /// Captures a model by state-dict name (every parameter's value and gradient, every buffer) and the momentum
    /// buffer of every parameter <paramref name="optimizer"/> updates: everything a training step can change.
    /// </summary>
    public static StateSnapshot Of(Layer model, SgdMomentum optimizer)
    {
        var entries = new List<Entry>();
        foreach (var (name, parameter) in model.NamedParameters())
        {
            entries.Add(new Entry(name, parameter.Value));
            entries.Add(new Entry(name + ".grad", parameter.Gradient));
        }
        foreach (var (name, buffer) in model.NamedBuffers())
        {
            entries.Add(new Entry(name, buffer.Value));
        }
        for (int i = 0; i < optimizer.Velocities.Count; i++)
        {
            entries.Add(new Entry($"optimizer.velocity[{i.ToString(CultureInfo.InvariantCulture)}]", optimizer.Velocities[i]));
        }
        return new StateSnapshot(entries);
    }

    /// <summary>Captures parameters (value and gradient) and buffers that are not listed by layer, such as an optimizer's.</summary>
    public static StateSnapshot Of(IEnumerable<Parameter> parameters, IEnumerable<StateBuffer>? buffers = null)
    {
        var entries = new List<Entry>();
        AddParameters(entries, "", parameters);
        AddBuffers(entries, "", buffers ?? []);
        return new StateSnapshot(entries);
    }

    /// <summary>Writes the captured values back into the live tensors.</summary>
    public void Restore()
    {
        foreach (var entry in _entries)
        {
            entry.Saved.CopyTo(entry.Live.AsSpan());
        }
    }

    /// <summary>The first difference between the captured and the live state, bit for bit, or null when there is none.</summary>
    public string? FirstDifference()
    {
        foreach (var entry in _entries)
        {
            ReadOnlySpan<double> live = entry.Live.AsReadOnlySpan();
            for (int i = 0; i < live.Length; i++)
            {
                // Bits, not values: -0.0 against 0.0 or a changed NaN payload counts as a change.
                if (BitConverter.DoubleToInt64Bits(live[i]) != BitConverter.DoubleToInt64Bits(entry.Saved[i]))
                {
                    return string.Create(CultureInfo.InvariantCulture,
                        $"{entry.Name}[{i}] was {entry.Saved[i]:R} and is now {live[i]:R}");
                }
            }
        }
        return null;
    }

    /// <summary>Fails unless every captured tensor still holds exactly the captured bits.</summary>
    public void ShouldBeUnchanged(string because = "a failed or read-only call must change nothing")
    {
        FirstDifference().Should().BeNull(because);
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var entry in _entries)
        {
            text.Append(entry.Name).Append(' ');
        }
        return text.ToString().TrimEnd();
    }

    private static void AddParameters(List<Entry> entries, string prefix, IEnumerable<Parameter> parameters)
    {
        foreach (var parameter in parameters)
        {
            entries.Add(new Entry(prefix + parameter.Name, parameter.Value));
            entries.Add(new Entry(prefix + parameter.Name + ".grad", parameter.Gradient));
        }
    }

    private static void AddBuffers(List<Entry> entries, string prefix, IEnumerable<StateBuffer> buffers)
    {
        foreach (var buffer in buffers)
        {
            entries.Add(new Entry(prefix + buffer.Name, buffer.Value));
        }
    }

    private sealed class Entry(string name, Tensor live)
    {
        public string Name { get; } = name;

        public Tensor Live { get; } = live;

        public double[] Saved { get; } = live.ToArray();
    }
}
