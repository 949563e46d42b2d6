using System.Globalization;
using BatchNormSharp.Kernels;

namespace BatchNormSharp.Benchmarks.Comparison;

/// <summary>
/// The measurement behind <see cref="WorkerPool.SplitThresholdBytes"/> (<c>dotnet run -c Release -- --threshold</c>):
/// a BatchNorm training forward and backward on <c>[N, 256]</c> and a square matrix product, each timed on one thread
/// and split across every thread (<see cref="KernelThreading.SplitRegardlessOfSize"/>), at sizes from 16 KiB to
/// 4 MiB of memory touched per call (the measure <see cref="WorkerPool.PartsFor"/> compares with the threshold).
/// </summary>
internal static class ThresholdProbe
{
    private static readonly int[] KiloBytes = [16, 32, 64, 128, 256, 512, 1024, 2048, 4096];

    public static void Run(TextWriter output)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"threads {WorkerPool.ThreadCount}; ms per call, lowest tenth of 200 samples; speed-up = one thread / split"));
        output.WriteLine("kernel      KiB touched   one thread      split   speed-up");
        foreach (int kib in KiloBytes)
        {
            // The forward passes touch 2× the input, the backward pass 3×: about 2.5× over a step.
            int rows = Math.Max(2, (int)(kib * 1024L / 2.5 / (256 * sizeof(double))));
            Report(output, "batchnorm", kib, BatchNorm(rows));
            // A product touches A, B and C: 3 n² values.
            int n = (int)Math.Round(Math.Sqrt(kib * 1024.0 / (3 * sizeof(double))));
            Report(output, "gemm", kib, Product(n));
        }
    }

    private static void Report(TextWriter output, string kernel, int kib, Action call)
    {
        double single = KernelThreads.Run(KernelThreading.SingleThread, () => LowDecile(call));
        double split = KernelThreads.Run(KernelThreading.SplitRegardlessOfSize, () => LowDecile(call));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{kernel,-10} {kib,12} {single,12:F4} {split,10:F4} {single / split,10:F2}"));
    }

    /// <summary>
    /// The time per call of the fastest tenth of 200 samples of about 0.2 ms each, alternating nothing: on a machine
    /// shared with other work (the usual case here) the median mostly measures the other work, while the fast
    /// samples show what a call costs when both cores are free, which is what the threshold is about.
    /// </summary>
    private static double LowDecile(Action call)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int calls = 0;
        while (clock.Elapsed.TotalMilliseconds < 200 || calls < 3)
        {
            call();
            calls++;
        }
        int perSample = Math.Max(1, (int)(0.2 / (clock.Elapsed.TotalMilliseconds / calls)));
        var samples = new double[200];
        for (int s = 0; s < samples.Length; s++)
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            for (int i = 0; i < perSample; i++)
            {
                call();
            }
            samples[s] = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds / perSample;
        }
        Array.Sort(samples);
        return samples[samples.Length / 10];
    }

    private static Action BatchNorm(int rows)
    {
        var shape = new BatchNormShape(rows, 256);
        var random = new Random(1);
        double[] x = [.. Enumerable.Range(0, shape.Elements).Select(_ => 12 + (5 * random.NextDouble()))];
        double[] dy = [.. Enumerable.Range(0, shape.Elements).Select(_ => random.NextDouble() - 0.5)];
        double[] gamma = [.. Enumerable.Repeat(1.0, 256)], beta = new double[256];
        double[] y = new double[shape.Elements], dx = new double[shape.Elements];
        double[] dgamma = new double[256], dbeta = new double[256];
        var cache = new BatchNormCache(256);
        return () =>
        {
            BatchNormFunctions.TrainingForward(x, shape, gamma, beta, 1e-5, cache, y);
            BatchNormFunctions.Backward(dy, x, shape, gamma, cache, dx, dgamma, dbeta);
        };
    }

    private static Action Product(int n)
    {
        var random = new Random(2);
        double[] a = [.. Enumerable.Range(0, n * n).Select(_ => random.NextDouble())];
        double[] b = [.. Enumerable.Range(0, n * n).Select(_ => random.NextDouble())];
        double[] c = new double[n * n];
        return () => Gemm.Multiply(n, n, n, a, false, b, false, false, c);
    }
}
