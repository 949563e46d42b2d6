namespace BatchNormSharp;

/// <summary>
/// What the backward pass of one LSTM time step needs from its forward pass: the four activated gates and
/// <c>tanh(c_t)</c>. One cache per time step, owned by the caller (a layer owns an array of them per stacked layer and
/// reuses them from call to call); <see cref="LstmFunctions"/> fills and reads it.
/// </summary>
/// <remarks>
/// <para>c_{t-1} and h_{t-1} are not copied here: the caller keeps the sequence of states anyway (they are its
/// outputs) and hands them back to the backward pass.</para>
/// <para>The arrays grow to the largest batch seen and are never shrunk, so that a steady state allocates nothing;
/// only the first <see cref="Batch"/> rows are meaningful.</para>
/// </remarks>
internal sealed class LstmStepCache
{
    private double[] _gates = [];
    private double[] _tanhCell = [];

    /// <summary>Creates an empty cache for <paramref name="hidden"/> units; <see cref="Prepare"/> sizes it.</summary>
    /// <param name="hidden">The hidden size H.</param>
    public LstmStepCache(int hidden)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hidden);
        Hidden = hidden;
    }

    /// <summary>The hidden size H.</summary>
    public int Hidden { get; }

    /// <summary>The batch of the last forward pass that wrote this cache (0 before the first).</summary>
    public int Batch { get; private set; }

    /// <summary>The activated gates <c>[batch, 4H]</c>, in torch's order i, f, g, o (σ, σ, tanh, σ).</summary>
    public Span<double> Gates => _gates.AsSpan(0, Batch * 4 * Hidden);

    /// <summary><c>tanh(c_t)</c>, <c>[batch, H]</c>.</summary>
    public Span<double> TanhCell => _tanhCell.AsSpan(0, Batch * Hidden);

    /// <summary>Makes room for <paramref name="batch"/> rows, allocating only when the batch is larger than any before.</summary>
    /// <param name="batch">The number of sequences in the batch.</param>
    public void Prepare(int batch)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        if (_gates.Length < batch * 4 * Hidden)
        {
            _gates = new double[batch * 4 * Hidden];
            _tanhCell = new double[batch * Hidden];
        }
        Batch = batch;
    }
}
