using BatchNormSharp;

namespace BatchNormSharp.Benchmarks.Workloads;

/// <summary>
/// One training step of a recurrent regressor as torch_lstm_workloads.py times it: batch 32, 30 steps of 1 input,
/// hidden 64, a Dense head on the last hidden state, mean squared error, Adam (lr 1e-3): zero_grad, forward, loss,
/// backward (no gradient for the data), step.
/// </summary>
internal sealed class SequenceStep
{
    private const int Batch = 32, Time = 30, Input = 1, Hidden = 64;

    private readonly Sequential _model;
    private readonly MeanSquaredError _loss = new();
    private readonly Adam _optimizer;
    private readonly Tensor _input;
    private readonly Tensor _targets;

    private SequenceStep(Layer recurrent, int seed)
    {
        _model = new Sequential(recurrent, new Dense(Hidden, 1, seed: seed + 1));
        _optimizer = new Adam(_model.Parameters, learningRate: 1e-3);
        _input = Tensor.FromSpan(RandomData.Batch(Batch, Time * Input, seed + 2, scale: 1.0, offset: 0.0).AsReadOnlySpan(),
            Batch, Time, Input);
        _targets = RandomData.Batch(Batch, 1, seed + 3, scale: 1.0, offset: 0.0);
    }

    /// <summary><c>torch.nn.LSTM</c>'s equal, last hidden state to the head.</summary>
    public static SequenceStep Lstm(int seed = 1) => new(new LSTM(Input, Hidden, seed), seed);

    /// <summary>The seed notebook's cell: one BatchNorm per gate, statistics shared across time steps.</summary>
    public static SequenceStep BatchNormLstm(int seed = 1) =>
        new(new BatchNormLSTM(Input, Hidden, BatchNormLSTMVariant.SharedGateStatistics, seed), seed);

    public double Run()
    {
        _optimizer.ZeroGrad();
        var outputs = _model.Forward(_input, ForwardMode.Training);
        double loss = _loss.Forward(outputs, _targets);
        _model.Backward(_loss.Backward(), computeInputGradient: false);
        _optimizer.Step();
        return loss;
    }
}
