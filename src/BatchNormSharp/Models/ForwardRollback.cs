namespace BatchNormSharp;

/// <summary>
/// What a container's forward pass may change before a later child refuses the batch — every buffer (running
/// statistics) and the mode of every layer at every depth — copied into storage allocated once, so that a refused batch can be undone.
/// </summary>
/// <remarks>
/// A child refuses a batch only after its own checks (a BatchNorm whose batch statistics are not finite, a user's
/// layer that throws); by then the BatchNorms in front of it have moved their running statistics. Copying the buffers
/// costs a few values per feature and allocates nothing, a small price for "a failed call changes nothing".
/// </remarks>
internal sealed class ForwardRollback
{
    private readonly StateBuffer[] _buffers;
    private readonly double[][] _savedBuffers;
    private readonly ILayer[] _layers;
    private readonly ForwardMode[] _savedModes;

    public ForwardRollback(ILayer[] children, StateBuffer[] buffers)
    {
        // Every layer at every depth, parents before their children: restoring a nested container's mode pushes it
        // down to its children, and their own saved modes must land after that.
        _layers = [.. children.SelectMany(PreOrder)];
        _buffers = buffers;
        _savedBuffers = Array.ConvertAll(buffers, buffer => new double[buffer.Value.Length]);
        _savedModes = new ForwardMode[_layers.Length];
    }

    /// <summary>Copies the current buffers and modes.</summary>
    public void Capture()
    {
        for (int i = 0; i < _buffers.Length; i++)
        {
            _buffers[i].Value.AsReadOnlySpan().CopyTo(_savedBuffers[i]);
        }
        for (int i = 0; i < _layers.Length; i++)
        {
            _savedModes[i] = _layers[i].Mode;
        }
    }

    /// <summary>Puts back the buffers and modes copied by the last <see cref="Capture"/>.</summary>
    public void Restore()
    {
        for (int i = 0; i < _buffers.Length; i++)
        {
            _savedBuffers[i].CopyTo(_buffers[i].Value.AsSpan());
        }
        for (int i = 0; i < _layers.Length; i++)
        {
            _layers[i].Mode = _savedModes[i];
        }
    }

    private static IEnumerable<ILayer> PreOrder(ILayer layer) =>
        layer is Sequential sequential ? sequential.Layers.SelectMany(PreOrder).Prepend(layer) : [layer];
}
