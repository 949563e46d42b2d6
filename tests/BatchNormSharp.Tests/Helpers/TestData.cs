using MathNet.Numerics.Distributions;

namespace BatchNormSharp.Tests;

/// <summary>Deterministic test inputs: every tensor comes from an explicit seed, so a failure can be replayed.</summary>
internal static class TestData
{
    /// <summary>A <c>[rows, columns]</c> batch of <c>spread · N(0, 1) + mean</c> samples.</summary>
    public static Tensor Normal(int rows, int columns, int seed, double mean = 0.0, double spread = 1.0)
    {
        var tensor = Tensor.Zeros(rows, columns);
        Fill(tensor.AsSpan(), seed, mean, spread);
        return tensor;
    }

    /// <summary>A tensor of any shape (a <c>[batch, time, features]</c> sequence) of <c>spread · N(0, 1) + mean</c> samples.</summary>
    public static Tensor NormalShaped(int[] shape, int seed, double mean = 0.0, double spread = 1.0)
    {
        var tensor = Tensor.Zeros(shape);
        Fill(tensor.AsSpan(), seed, mean, spread);
        return tensor;
    }

    /// <summary>A vector of <c>spread · N(0, 1) + mean</c> samples.</summary>
    public static Tensor NormalVector(int length, int seed, double mean = 0.0, double spread = 1.0)
    {
        var tensor = Tensor.Zeros(length);
        Fill(tensor.AsSpan(), seed, mean, spread);
        return tensor;
    }

    /// <summary>
    /// A batch whose every entry has magnitude in <c>[minMagnitude, minMagnitude + 1]</c> and a random sign: ReLU's
    /// gradient check stays away from the kink at 0, where the function is not differentiable.
    /// </summary>
    public static Tensor AwayFromZero(int rows, int columns, int seed, double minMagnitude)
    {
        var random = new Random(seed);
        var tensor = Tensor.Zeros(rows, columns);
        Span<double> values = tensor.AsSpan();
        for (int i = 0; i < values.Length; i++)
        {
            double magnitude = minMagnitude + random.NextDouble();
            values[i] = random.Next(2) == 0 ? -magnitude : magnitude;
        }
        return tensor;
    }

    /// <summary>Class labels drawn uniformly from <c>[0, classes)</c>.</summary>
    public static int[] Labels(int count, int classes, int seed)
    {
        var random = new Random(seed);
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = random.Next(classes);
        }
        return labels;
    }

    /// <summary>Copies <paramref name="values"/> into a parameter or buffer tensor of the same length.</summary>
    public static void Set(Tensor destination, params double[] values) => values.CopyTo(destination.AsSpan());

    private static void Fill(Span<double> values, int seed, double mean, double spread)
    {
        var normal = new Normal(mean, spread, new Random(seed));
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = normal.Sample();
        }
    }
}
