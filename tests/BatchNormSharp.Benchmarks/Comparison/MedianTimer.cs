using System.Diagnostics;

namespace BatchNormSharp.Benchmarks.Comparison;

/// <summary>
/// A quick, careful in-process timer for the comparison with PyTorch (BenchmarkDotNet gives the thorough figures but
/// takes far longer). The same procedure as <c>tools/bench/torch_workloads.py</c>: warm up (which also lets the JIT
/// finish tiering up), group calls into samples of a few milliseconds so that the clock's resolution does not matter,
/// and report the median sample divided by the calls in it.
/// </summary>
internal static class MedianTimer
{
    private const double WarmupSeconds = 0.5;
    private const double SampleMilliseconds = 5.0;
    private const int Samples = 21;
    private const double MaxMeasureSeconds = 3.0;

    /// <summary>The median time of one call of <paramref name="operation"/>, in milliseconds.</summary>
    public static double MedianMilliseconds(Action operation)
    {
        var warmup = Stopwatch.StartNew();
        int calls = 0;
        while (calls < 2 || warmup.Elapsed.TotalSeconds < WarmupSeconds)
        {
            operation();
            calls++;
        }
        double perCall = warmup.Elapsed.TotalMilliseconds / calls;
        int callsPerSample = Math.Max(1, (int)Math.Ceiling(SampleMilliseconds / perCall));

        var times = new List<double>(Samples);
        var measuring = Stopwatch.StartNew();
        while (times.Count < Samples && (times.Count < 3 || measuring.Elapsed.TotalSeconds < MaxMeasureSeconds))
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < callsPerSample; i++)
            {
                operation();
            }
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds / callsPerSample);
        }
        times.Sort();
        return times[times.Count / 2];
    }
}
