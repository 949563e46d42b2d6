namespace BatchNormSharp;

/// <summary>Which batch-normalised LSTM cell a <see cref="BnLstmSequence"/> runs (docs/lstm.md, section 2).</summary>
internal enum BnLstmVariant
{
    /// <summary>
    /// The seed's cell: <c>z = x W_ih^T + h W_hh^T + b</c>, each gate's block of z normalised by its own BatchNorm,
    /// statistics shared by every time step.
    /// </summary>
    SharedGateStatistics,

    /// <summary>
    /// Cooijmans et al. 2016: <c>z = BN_hh(h W_hh^T) + BN_ih(x W_ih^T) + b</c> (no β of their own),
    /// <c>h = o ⊙ tanh(BN_c(c))</c>, statistics per time step.
    /// </summary>
    Cooijmans,
}
