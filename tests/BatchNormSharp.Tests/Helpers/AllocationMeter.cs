namespace BatchNormSharp.Tests;

/// <summary>
/// Bytes allocated on the calling thread by a piece of code that should allocate the same on every call: the least of
/// three measuring windows that no garbage collection interrupted.
/// </summary>
/// <remarks>
/// Two one-off effects would otherwise make steady-state code look as if it allocated, seen as 240–8,440 B in the
/// parallel test run: a collection (set off by another test) retires this thread's allocation context, and
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/> then counts its unused rest as allocated; and the first time a
/// thread blocks on a semaphore (waiting for a kernel's helper thread) the runtime allocates its waiter once. Windows
/// with a collection in them are measured again, and the least of three clean windows is kept. An allocation made on
/// every call shows in every window, so it cannot hide.
/// </remarks>
internal static class AllocationMeter
{
    private const int CleanWindows = 3;
    private const int CleanWindowsAllThreads = 10;
    private const int MaxAttempts = 30;

    /// <summary>The bytes <paramref name="action"/> allocates on this thread, per the remarks.</summary>
    public static long BytesAllocatedBy(Action action) =>
        LeastOfCleanWindows(action, GC.GetAllocatedBytesForCurrentThread, CleanWindows);

    /// <summary>
    /// The bytes <paramref name="action"/> allocates on every thread of the process, the kernels' helper threads
    /// included, per the remarks. Only meaningful when no other test runs at the same time
    /// (<see cref="AloneInProcess"/>). The test host's own threads allocate now and then (6,272 and 168 B every few
    /// tens of milliseconds, measured in windows that run no code at all), so the least of
    /// <see cref="CleanWindowsAllThreads"/> windows is kept: keep <paramref name="action"/> short.
    /// </summary>
    public static long BytesAllocatedOnAllThreadsBy(Action action) =>
        LeastOfCleanWindows(action, static () => GC.GetTotalAllocatedBytes(precise: true), CleanWindowsAllThreads);

    private static long LeastOfCleanWindows(Action action, Func<long> allocatedBytes, int cleanWindows)
    {
        long least = long.MaxValue;
        int clean = 0;
        for (int attempt = 0; attempt < MaxAttempts && clean < cleanWindows; attempt++)
        {
            int collections = GC.CollectionCount(0);
            long before = allocatedBytes();
            action();
            long allocated = allocatedBytes() - before;
            if (GC.CollectionCount(0) == collections)
            {
                least = Math.Min(least, allocated);
                clean++;
            }
        }
        return clean > 0
            ? least
            : throw new InvalidOperationException(
                $"Every one of {MaxAttempts} measuring windows was interrupted by a garbage collection; the code " +
                "measured probably allocates enough to set one off each time.");
    }
}
