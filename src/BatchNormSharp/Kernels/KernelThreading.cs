namespace BatchNormSharp.Kernels;

/// <summary>How a kernel called on the current thread may share its work with helper threads.</summary>
internal enum KernelThreading
{
    /// <summary>Split large calls (about 1 MB and up) across the cores; small ones stay on the calling thread.</summary>
    Automatic,

    /// <summary>Never split: every kernel runs on the calling thread alone (single-thread benchmarks, tests).</summary>
    SingleThread,

    /// <summary>Split every call into the narrowest chunks, however small (tests of bit-identity across threads).</summary>
    AlwaysSplit,
}
