namespace BatchNormSharp.Tests;

/// <summary>
/// One <c>Reference/bnlstm_*.json</c> case from <c>gen_lstm_vectors.py</c>: a batch-normalised LSTM cell written as an
/// unrolled loop of <c>nn.BatchNorm1d</c> modules, its initial parameters and a list of batches fed in order.
/// </summary>
internal sealed record BnLstmCase(
    string Name, string Variant, int Batch, int InputSize, int HiddenSize, double Eps, double Momentum, int? MaxLength,
    Dictionary<string, JsonTensor> Parameters, List<BnLstmBatch> Batches);

/// <summary>
/// One batch of a <see cref="BnLstmCase"/>: its mode (<c>train</c> or <c>eval</c>) and length; tensors x, dy, dh_n, dc_n,
/// y, h_n, c_n, dx; the gradient of every parameter for this batch alone; every buffer after it.
/// </summary>
internal sealed record BnLstmBatch(
    string Mode, int Time, Dictionary<string, JsonTensor> Tensors, Dictionary<string, JsonTensor> Gradients,
    Dictionary<string, JsonTensor> Buffers);
