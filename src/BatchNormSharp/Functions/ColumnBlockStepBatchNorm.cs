namespace BatchNormSharp;

/// <summary>
/// Several <see cref="IStepBatchNorm"/>s side by side over one <c>[batch, Σ features]</c> batch, each normalising its
/// own block of columns in place of the whole (the seed's four per-gate BatchNorms over the gates' pre-activation
/// <c>[batch, 4H]</c>). BatchNorm is per feature, so this equals one normalisation of all the columns whose γ, β and
/// statistics are the blocks' concatenated.
/// </summary>
internal sealed class ColumnBlockStepBatchNorm : IStepBatchNorm
{
    private readonly IStepBatchNorm[] _blocks;

    /// <summary>Combines blocks that each read and write their own columns of the full rows (a
    /// <see cref="StepBatchNorm"/> made with a column offset and the full row width).</summary>
    /// <param name="blocks">The blocks, left to right.</param>
    public ColumnBlockStepBatchNorm(params IStepBatchNorm[] blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        _blocks = blocks;
        Features = blocks.Sum(b => b.Features);
    }

    /// <inheritdoc/>
    public int Features { get; }

    /// <inheritdoc/>
    public void Forward(int step, int batch, ReadOnlySpan<double> input, Span<double> output, bool training)
    {
        foreach (var block in _blocks)
        {
            block.Forward(step, batch, input, output, training);
        }
    }

    /// <inheritdoc/>
    public void Backward(int step, int batch, ReadOnlySpan<double> outputGradient, Span<double> inputGradient)
    {
        foreach (var block in _blocks)
        {
            block.Backward(step, batch, outputGradient, inputGradient);
        }
    }
}
