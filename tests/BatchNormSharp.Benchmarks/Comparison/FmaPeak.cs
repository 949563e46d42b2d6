using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace BatchNormSharp.Benchmarks.Comparison;

/// <summary>
/// The machine's float64 fused-multiply-add peak, measured rather than read off a data sheet (a KVM guest's clock,
/// turbo and whether 512-bit FMAs run at full or half width are not known in advance): twelve independent chains of
/// <c>c = c·m + a</c> held in registers, one FMA per chain per iteration, so that neither latency nor memory limits
/// the loop. Twelve chains cover a 4-cycle latency on two FMA pipes with room to spare.
/// </summary>
internal static class FmaPeak
{
    /// <summary>About this long per measurement; the best of <see cref="Repeats"/> is kept.</summary>
    private const double SecondsPerMeasurement = 0.15;
    private const int Repeats = 5;
    private const int Chains = 12;

    /// <summary>The peak in GFLOP/s on one thread and on two threads together, and the vector width that gave it.</summary>
    public readonly record struct Result(double OneThread, double TwoThreads, int VectorBits);

    public static Result Measure()
    {
        Result best = default;
        foreach (int bits in new[] { 512, 256 })
        {
            Func<long, double>? loop = bits switch
            {
                512 when Avx512F.IsSupported => Chains512,
                256 when Fma.IsSupported => Chains256,
                _ => null,
            };
            if (loop is null)
            {
                continue;
            }
            double flopsPerIteration = 2.0 * Chains * (bits / 64);
            long iterations = CalibrateIterations(loop);
            double one = Best(() => Gflops(loop, iterations, flopsPerIteration, threads: 1));
            double two = Best(() => Gflops(loop, iterations, flopsPerIteration, threads: 2));
            best = new Result(
                Math.Max(one, best.OneThread), Math.Max(two, best.TwoThreads), one > best.OneThread ? bits : best.VectorBits);
        }
        return best;
    }

    private static double Best(Func<double> measure)
    {
        double best = 0;
        for (int i = 0; i < Repeats; i++)
        {
            best = Math.Max(best, measure());
        }
        return best;
    }

    /// <summary>Iterations that take about <see cref="SecondsPerMeasurement"/> on one thread (after a JIT warm-up).</summary>
    private static long CalibrateIterations(Func<long, double> loop)
    {
        long iterations = 100_000;
        while (true)
        {
            long start = Stopwatch.GetTimestamp();
            loop(iterations);
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (seconds > 0.02)
            {
                return (long)(iterations * SecondsPerMeasurement / seconds);
            }
            iterations *= 4;
        }
    }

    /// <summary>Runs the loop on <paramref name="threads"/> threads at once; flops of all of them over the wall time.</summary>
    private static double Gflops(Func<long, double> loop, long iterations, double flopsPerIteration, int threads)
    {
        using var ready = new Barrier(threads + 1);
        var workers = new Thread[threads];
        double sink = 0;
        for (int t = 0; t < threads; t++)
        {
            workers[t] = new Thread(() =>
            {
                ready.SignalAndWait();
                double result = loop(iterations);
                // Keeps the result alive, so that the JIT cannot drop the loop.
                if (result == 42.0)
                {
                    Interlocked.Exchange(ref sink, result);
                }
            });
            workers[t].Start();
        }
        ready.SignalAndWait();
        long start = Stopwatch.GetTimestamp();
        foreach (var worker in workers)
        {
            worker.Join();
        }
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        GC.KeepAlive(sink);
        return threads * iterations * flopsPerIteration / seconds / 1e9;
    }

    // c converges to a / (1 - m) = 0.01: no overflow, no subnormals, the same cost every iteration. Fully optimised
    // from the first call: tier-0 code keeps the chains in memory, and the calibration would time that.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double Chains512(long iterations)
    {
        var m = Vector512.Create(0.9999999);
        var a = Vector512.Create(1e-9);
        Vector512<double> c0 = Vector512.Create(1.0), c1 = Vector512.Create(1.1), c2 = Vector512.Create(1.2);
        Vector512<double> c3 = Vector512.Create(1.3), c4 = Vector512.Create(1.4), c5 = Vector512.Create(1.5);
        Vector512<double> c6 = Vector512.Create(1.6), c7 = Vector512.Create(1.7), c8 = Vector512.Create(1.8);
        Vector512<double> c9 = Vector512.Create(1.9), c10 = Vector512.Create(2.0), c11 = Vector512.Create(2.1);
        for (long i = 0; i < iterations; i++)
        {
            c0 = Avx512F.FusedMultiplyAdd(c0, m, a);
            c1 = Avx512F.FusedMultiplyAdd(c1, m, a);
            c2 = Avx512F.FusedMultiplyAdd(c2, m, a);
            c3 = Avx512F.FusedMultiplyAdd(c3, m, a);
            c4 = Avx512F.FusedMultiplyAdd(c4, m, a);
            c5 = Avx512F.FusedMultiplyAdd(c5, m, a);
            c6 = Avx512F.FusedMultiplyAdd(c6, m, a);
            c7 = Avx512F.FusedMultiplyAdd(c7, m, a);
            c8 = Avx512F.FusedMultiplyAdd(c8, m, a);
            c9 = Avx512F.FusedMultiplyAdd(c9, m, a);
            c10 = Avx512F.FusedMultiplyAdd(c10, m, a);
            c11 = Avx512F.FusedMultiplyAdd(c11, m, a);
        }
        var sum = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11;
        return Vector512.Sum(sum);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double Chains256(long iterations)
    {
        var m = Vector256.Create(0.9999999);
        var a = Vector256.Create(1e-9);
        Vector256<double> c0 = Vector256.Create(1.0), c1 = Vector256.Create(1.1), c2 = Vector256.Create(1.2);
        Vector256<double> c3 = Vector256.Create(1.3), c4 = Vector256.Create(1.4), c5 = Vector256.Create(1.5);
        Vector256<double> c6 = Vector256.Create(1.6), c7 = Vector256.Create(1.7), c8 = Vector256.Create(1.8);
        Vector256<double> c9 = Vector256.Create(1.9), c10 = Vector256.Create(2.0), c11 = Vector256.Create(2.1);
        for (long i = 0; i < iterations; i++)
        {
            c0 = Fma.MultiplyAdd(c0, m, a);
            c1 = Fma.MultiplyAdd(c1, m, a);
            c2 = Fma.MultiplyAdd(c2, m, a);
            c3 = Fma.MultiplyAdd(c3, m, a);
            c4 = Fma.MultiplyAdd(c4, m, a);
            c5 = Fma.MultiplyAdd(c5, m, a);
            c6 = Fma.MultiplyAdd(c6, m, a);
            c7 = Fma.MultiplyAdd(c7, m, a);
            c8 = Fma.MultiplyAdd(c8, m, a);
            c9 = Fma.MultiplyAdd(c9, m, a);
            c10 = Fma.MultiplyAdd(c10, m, a);
            c11 = Fma.MultiplyAdd(c11, m, a);
        }
        var sum = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11;
        return Vector256.Sum(sum);
    }
}
