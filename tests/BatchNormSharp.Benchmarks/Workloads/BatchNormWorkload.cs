using BatchNormSharp;
using BatchNormSharp.Kernels;

namespace BatchNormSharp.Benchmarks.Workloads;

/// <summary>A BatchNorm layer in training mode on a fixed <c>[rows, features]</c> batch and upstream gradient.</summary>
internal sealed class BatchNormWorkload
{
    private readonly BatchNorm _layer;
    private readonly Tensor _input;
    private readonly Tensor _outputGradient;

    public BatchNormWorkload(int rows, int features, int seed = 7)
    {
        Rows = rows;
        Features = features;
        _layer = new BatchNorm(features);
        // A large mean and a non-unit spread, as real pre-activations have.
        _input = RandomData.Batch(rows, features, seed, scale: 5.0, offset: 12.0);
        _outputGradient = RandomData.Batch(rows, features, seed + 1);
    }

    public int Rows { get; }

    public int Features { get; }

    /// <summary>The bytes a forward and a backward pass must move: x and y, then x, dy and dx.</summary>
    public long ForwardBackwardBytes => 5L * Rows * Features * sizeof(double);

    public Tensor Forward() => _layer.Forward(_input, ForwardMode.Training);

    public Tensor ForwardBackward()
    {
        _layer.Forward(_input, ForwardMode.Training);
        return _layer.Backward(_outputGradient);
    }

    /// <summary>Runs <paramref name="action"/> with the kernels of this thread held to one thread.</summary>
    public static T SingleThreaded<T>(Func<T> action)
    {
        return KernelThreads.Run(KernelThreading.SingleThread, action);
    }
}
