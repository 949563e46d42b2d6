namespace BatchNormSharp;

/// <summary>Which batch-normalised LSTM cell a <see cref="BatchNormLSTM"/> is (docs/lstm.md §2 says which to choose).</summary>
public enum BatchNormLSTMVariant
{
    /// <summary>
    /// The seed notebook's cell: each gate's pre-activation <c>x W_ih^T + h W_hh^T + b</c> passes through its own
    /// BatchNorm (<c>bn_gates.0</c> … <c>bn_gates.3</c> for i, f, g, o), whose statistics are shared by every time step
    /// (the running statistics move once per step). Any sequence length.
    /// </summary>
    SharedGateStatistics,

    /// <summary>
    /// Cooijmans et al. 2016, <i>Recurrent Batch Normalization</i>: BatchNorm on <c>x W_ih^T</c> (<c>bn_ih</c>), on
    /// <c>h W_hh^T</c> (<c>bn_hh</c>) and on <c>c_t</c> before the output tanh (<c>bn_c</c>), γ initialised to 0.1,
    /// statistics kept per time step up to the training length (the last step's reused beyond it).
    /// </summary>
    Cooijmans,
}
