namespace BatchNormSharp;

/// <summary>
/// A copy of every parameter and buffer of a model, taken into storage allocated once: how early stopping keeps and
/// restores the best weights (running statistics included) without allocating each epoch.
/// </summary>
internal sealed class WeightsSnapshot
{
    private readonly Tensor[] _live;
    private readonly Tensor[] _saved;

    public WeightsSnapshot(Layer model)
    {
        _live = [.. model.NamedParameters().Select(p => p.Parameter.Value),
                 .. model.NamedBuffers().Select(b => b.Buffer.Value)];
        _saved = Array.ConvertAll(_live, tensor => tensor.Clone());
    }

    /// <summary>Copies the model's current values into the snapshot.</summary>
    public void Capture()
    {
        for (int i = 0; i < _live.Length; i++)
        {
            _saved[i].CopyFrom(_live[i]);
        }
    }

    /// <summary>Copies the snapshot back into the model.</summary>
    public void Restore()
    {
        for (int i = 0; i < _live.Length; i++)
        {
            _live[i].CopyFrom(_saved[i]);
        }
    }
}
