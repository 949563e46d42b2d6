namespace BatchNormSharp.Tests;

/// <summary>A tensor of the LSTM reference files: its shape and its values flattened row-major.</summary>
internal sealed record JsonTensor(int[] Shape, double[] Data);

/// <summary>
/// One <c>Reference/lstm_*.json</c> case, written by <c>gen_lstm_vectors.py</c> from <c>torch.nn.LSTM</c>
/// (float64, batch_first). Tensors: x, dy, dh_n, dc_n, y, h_n, c_n, dx, and with an initial state h0, c0, dh0, dc0;
/// parameters and gradients under torch's state-dict names.
/// </summary>
internal sealed record LstmCase(
    string Name, int Batch, int Time, int InputSize, int HiddenSize, int NumLayers, bool HasInitialState,
    Dictionary<string, JsonTensor> Tensors, Dictionary<string, JsonTensor> Parameters,
    Dictionary<string, JsonTensor> Gradients);
