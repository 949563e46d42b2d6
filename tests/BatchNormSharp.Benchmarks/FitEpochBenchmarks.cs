using BatchNormSharp;
using BenchmarkDotNet.Attributes;

namespace BatchNormSharp.Benchmarks;

/// <summary>
/// One epoch of <see cref="Trainer.Fit"/> on digits-sized data (1,280 rows × 64 features, batches of 128) with the
/// Digits sample's network: the time per epoch and, with the memory diagnoser, that batches allocate nothing in steady
/// state (what remains is per call: the row order, the history, the epoch's metrics).
/// </summary>
[MemoryDiagnoser]
public class FitEpochBenchmarks
{
    private const int Rows = 1280;
    private Tensor _inputs = null!;
    private int[] _labels = null!;
    private Trainer _trainer = null!;
    private readonly FitOptions _oneEpoch = new() { Epochs = 1, BatchSize = 128 };

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _inputs = Tensor.Zeros(Rows, 64);
        _labels = new int[Rows];
        for (int i = 0; i < Rows; i++)
        {
            _labels[i] = i % 10;
            for (int j = 0; j < 64; j++)
            {
                _inputs[i, j] = (random.NextDouble() * 16) + _labels[i];
            }
        }
        var model = new Sequential(
            new Dense(64, 100, random), new BatchNorm(100), new ReLU(),
            new Dense(100, 50, random), new BatchNorm(50), new ReLU(),
            new Dense(50, 10, random), new BatchNorm(10));
        _trainer = new Trainer(model, new SgdMomentum(model.Parameters, 0.1, 0.9));
    }

    /// <summary>Ten batches of 128 rows: forward, loss, backward and update each.</summary>
    [Benchmark]
    public TrainingHistory FitOneEpoch() => _trainer.Fit(_inputs, _labels, _oneEpoch);
}
