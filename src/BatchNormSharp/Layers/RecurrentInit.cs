namespace BatchNormSharp;

/// <summary>How <see cref="LSTM"/> and <see cref="BatchNormLSTM"/> draw their initial weights.</summary>
public enum RecurrentInit
{
    /// <summary>
    /// <c>torch.nn.LSTM</c>'s default: every weight and bias <c>~ U(-1/√H, 1/√H)</c>, drawn per layer in the order
    /// <c>weight_ih</c>, <c>weight_hh</c>, then the biases, each row-major.
    /// </summary>
    PyTorchDefault,

    /// <summary>
    /// The seed notebook's Xavier (Glorot) uniform per gate: each gate multiplies its own <c>[H, H + In]</c> matrix by
    /// <c>[h; x]</c>, so every weight <c>~ U(-a, a)</c> with <c>a = √(6 / (2H + In))</c>; biases zero.
    /// </summary>
    XavierPerGate,
}
