namespace BatchNormSharp.Kernels;

/// <summary>How a kernel called on the current thread may share its work with helper threads.</summary>
internal enum KernelThreading
{
    /// <summary>Split calls of <see cref="WorkerPool.SplitThresholdBytes"/> and more across the cores; smaller ones stay
    /// on the calling thread.</summary>
    Automatic,

    /// <summary>Never split: every kernel runs on the calling thread alone (single-thread benchmarks, tests).</summary>
    SingleThread,

    /// <summary>Split every call into the narrowest chunks, however small, and make every helper take part (tests of
    /// bit-identity across threads and of allocation on every thread).</summary>
    AlwaysSplit,

    /// <summary>Split every call as <see cref="Automatic"/> splits a large one, one part per thread, whatever its
    /// size (the measurement of <see cref="WorkerPool.SplitThresholdBytes"/>).</summary>
    SplitRegardlessOfSize,
}

/// <summary>
/// The threading policy of every kernel (matrix product and BatchNorm) called on the current thread. Results are
/// bit-identical whatever the policy; it exists for single-thread measurements and for the tests that prove it.
/// </summary>
internal static class KernelThreads
{
    [ThreadStatic]
    private static KernelThreading t_mode;

    /// <summary>The policy for kernels called on the current thread (each thread has its own; the default is
    /// <see cref="KernelThreading.Automatic"/>).</summary>
    public static KernelThreading Mode
    {
        get => t_mode;
        set => t_mode = value;
    }

    /// <summary>Runs <paramref name="action"/> with the policy set to <paramref name="mode"/>, then puts it back.</summary>
    public static T Run<T>(KernelThreading mode, Func<T> action)
    {
        var previous = t_mode;
        t_mode = mode;
        try
        {
            return action();
        }
        finally
        {
            t_mode = previous;
        }
    }
}
