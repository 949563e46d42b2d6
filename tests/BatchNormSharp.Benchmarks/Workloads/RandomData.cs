using BatchNormSharp;

namespace BatchNormSharp.Benchmarks.Workloads;

/// <summary>Benchmark inputs drawn from a fixed seed, so that every run measures the same numbers.</summary>
internal static class RandomData
{
    /// <summary>A <c>[rows, columns]</c> batch of <c>offset + scale · u</c>, u uniform in [-1, 1).</summary>
    public static Tensor Batch(int rows, int columns, int seed, double scale = 1.0, double offset = 0.0)
    {
        var random = new Random(seed);
        var tensor = Tensor.Zeros(rows, columns);
        Span<double> values = tensor.AsSpan();
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = offset + (scale * ((2.0 * random.NextDouble()) - 1.0));
        }
        return tensor;
    }

    /// <summary>A row-major array of <paramref name="length"/> values uniform in [-1, 1).</summary>
    public static double[] Values(int length, int seed)
    {
        var random = new Random(seed);
        var values = new double[length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (2.0 * random.NextDouble()) - 1.0;
        }
        return values;
    }

    /// <summary>One class label in <c>[0, classes)</c> per row.</summary>
    public static int[] Labels(int rows, int classes, int seed)
    {
        var random = new Random(seed);
        var labels = new int[rows];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = random.Next(classes);
        }
        return labels;
    }
}
