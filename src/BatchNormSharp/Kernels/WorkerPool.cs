using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.ExceptionServices;

namespace BatchNormSharp.Kernels;

/// <summary>
/// The one pool of helper threads that every kernel (matrix product, BatchNorm) shares: dedicated background threads,
/// one per core beyond the first, parked when idle, and the size threshold from which a call is split.
/// </summary>
/// <remarks>
/// <para><b>How a call runs.</b> The calling thread (the owner) pins its spans, puts pointers to them in an unmanaged
/// <see cref="IPartedWork"/> on its stack and calls <see cref="Run{TWork}"/>. The owner publishes the work, wakes up to
/// <c>parts - 1</c> helpers and claims parts itself; a helper that wakes claims parts too. The owner returns only
/// when every part is done and every helper it woke has either finished or been cancelled before it started, so no
/// helper can touch a call's memory after the call returns (the old BatchNorm pool let a helper run on while the next
/// call began: issue 13, item 2).</para>
/// <para><b>Cancellation.</b> A helper that has not woken by the time the owner has claimed every part is cancelled
/// with a compare-and-swap on its state, so on a busy machine a call does not wait for a thread that never got a core.
/// The helper later wakes, finds itself no longer assigned, and parks again. Under
/// <see cref="KernelThreading.AlwaysSplit"/> (tests) the owner instead waits for every helper to start before it
/// claims a part, so that the helpers really take part.</para>
/// <para><b>Polling before parking.</b> After a call a helper polls for the next one for <see cref="PollTicks"/>
/// before it parks, and an owner whose helper is still running polls before it blocks: kernels come in runs (the
/// passes of a BatchNorm step, the layers of a network), and a parked thread takes tens of microseconds to wake on a
/// virtual machine. On BatchNorm forward + backward at 1024 × 1024 with two threads this took 1.51–1.65 ms to
/// 1.39–1.45 ms; an idle pool still parks within 100 µs.</para>
/// <para><b>One owner at a time.</b> A call that finds the pool owned by another thread runs all its parts itself,
/// in order; the parts and so the bits are the same.</para>
/// <para><b>No allocation per call.</b> No closure, no boxing (the work is reached through a function pointer to a
/// generic method), and semaphores, which unlike <c>ManualResetEventSlim</c> do not create a lock object lazily on
/// their first blocking wait. Exceptions thrown by parts are captured and the first is rethrown on the owner.</para>
/// </remarks>
internal static unsafe class WorkerPool
{
    /// <summary>
    /// The size of a call, in bytes of the memory it reads and writes, from which <see cref="KernelThreading.Automatic"/>
    /// splits it across the cores: 512 KiB, for every kernel.
    /// </summary>
    /// <remarks>
    /// <para>Measured with <c>dotnet run -c Release --project tests/BatchNormSharp.Benchmarks -- --threshold</c>
    /// (<c>Comparison/ThresholdProbe.cs</c>): a BatchNorm training forward and backward on <c>[N, 256]</c> and a
    /// square matrix product, each timed on one thread and split across both threads, from 16 KiB to 4 MiB, keeping
    /// the fastest tenth of 200 samples, three runs on the 2-core machine while it was shared (load average 16–30).
    /// The product split paid 1.7–1.9× at 1 MiB in all three runs and 1.8× at 512 KiB in two of them (0.97× in the
    /// third); at 128–256 KiB in one run (1.3×, 1.5×), below 128 KiB never (0.57–0.95×: waking a parked helper costs
    /// more than the half of the work it would take). A split that does not pay costs 3–6 %, one that pays saves
    /// 45 %: 512 KiB is where splitting wins on balance.</para>
    /// <para>BatchNorm gained nothing at any size on that machine (0.91–1.02×): its passes last 5–60 µs, shorter than
    /// a helper's wake-up there, so the owner had claimed every part before the helper ran. It lost little either,
    /// because a helper that has not started is cancelled instead of waited for. On a quiet machine the same
    /// threshold splits BatchNorm passes over <c>[N, 256]</c> from about 100–130 rows on.</para>
    /// </remarks>
    public const long SplitThresholdBytes = 512 * 1024;

    /// <summary>
    /// How long a helper polls for the next call before it parks, and an owner polls for its helpers before it blocks:
    /// 100 µs, a few times the cost of waking a parked thread on the machines measured, and short enough that an idle
    /// pool costs nothing.
    /// </summary>
    private static readonly long PollTicks = Stopwatch.Frequency / 10_000;

    private static readonly SemaphoreSlim s_allDone = new(initialCount: 0);
    private static readonly Helper[] s_helpers = CreateHelpers();
    private static int s_owned;

    // The published call: written by the owner before it assigns any helper, stable until the owner returns.
    private static delegate*<void*, int, int, void> s_run;
    private static void* s_work;
    private static int s_parts;
    private static int s_nextPart;
    private static int s_outstanding;
    private static ExceptionDispatchInfo? s_failure;

    /// <summary>The threads that can work on one call at once: the caller and the helpers.</summary>
    public static int ThreadCount => s_helpers.Length + 1;

    /// <summary>
    /// How many parts a call of <paramref name="bytes"/> should be split into, under the calling thread's
    /// <see cref="KernelThreads.Mode"/>: 1 with <see cref="KernelThreading.SingleThread"/> or below
    /// <see cref="SplitThresholdBytes"/>; <paramref name="finestParts"/> with <see cref="KernelThreading.AlwaysSplit"/>
    /// (tests); else one per thread. Depends only on the problem and the machine, never on how busy the pool is.
    /// </summary>
    /// <param name="bytes">The memory the call reads and writes.</param>
    /// <param name="finestParts">The most parts the kernel can cut the problem into (at least 1).</param>
    public static int PartsFor(long bytes, int finestParts)
    {
        finestParts = Math.Max(1, finestParts);
        return KernelThreads.Mode switch
        {
            KernelThreading.SingleThread => 1,
            KernelThreading.AlwaysSplit => finestParts,
            KernelThreading.SplitRegardlessOfSize => Math.Min(finestParts, ThreadCount),
            _ => bytes < SplitThresholdBytes ? 1 : Math.Min(finestParts, ThreadCount),
        };
    }

    /// <summary>
    /// Runs the parts <c>0 … parts - 1</c> of <paramref name="work"/>, on the calling thread and the helpers, and
    /// returns when all are done. The first exception a part threw is rethrown here.
    /// </summary>
    /// <param name="work">The work; it must hold only pointers to memory that stays pinned for the call.</param>
    /// <param name="parts">The number of parts (see <see cref="PartsFor"/>).</param>
    public static void Run<TWork>(ref TWork work, int parts)
        where TWork : unmanaged, IPartedWork
    {
        int helpers = Math.Min(parts - 1, s_helpers.Length);
        if (helpers <= 0 || Interlocked.CompareExchange(ref s_owned, 1, 0) != 0)
        {
            // Alone: the same parts in order, so the same bits.
            for (int part = 0; part < parts; part++)
            {
                work.Run(part, parts);
            }
            return;
        }

        try
        {
            fixed (TWork* pointer = &work)
            {
                s_run = &RunPart<TWork>;
                s_work = pointer;
                s_parts = parts;
                s_nextPart = 0;
                s_failure = null;
                s_outstanding = helpers + 1; // the owner's own share counts as one
                for (int i = 0; i < helpers; i++)
                {
                    s_helpers[i].Assign();
                }
                if (KernelThreads.Mode == KernelThreading.AlwaysSplit)
                {
                    // Tests: make sure every helper takes part, so that what they check (bits, allocation on every
                    // thread) is seen on the helpers too, not only on an owner that outran them.
                    for (int i = 0; i < helpers; i++)
                    {
                        s_helpers[i].WaitUntilStarted();
                    }
                }

                RunClaimedParts();

                // Helpers still asleep are cancelled; the owner settles their share of the count for them.
                for (int i = 0; i < helpers; i++)
                {
                    if (s_helpers[i].TryCancel())
                    {
                        Interlocked.Decrement(ref s_outstanding);
                    }
                }
                if (Interlocked.Decrement(ref s_outstanding) != 0)
                {
                    // A running helper releases this once, when it brings the count to zero; the pin must outlive it.
                    // Poll first: a helper that started late usually finishes within microseconds of the owner, and
                    // a blocked owner takes as long to wake again as the helper took to start.
                    SpinUntil(static () => Volatile.Read(ref s_outstanding) == 0);
                    s_allDone.Wait();
                }
            }
            s_failure?.Throw();
        }
        finally
        {
            s_work = null;
            s_failure = null;
            Volatile.Write(ref s_owned, 0);
        }
    }

    private static void RunPart<TWork>(void* work, int part, int parts)
        where TWork : unmanaged, IPartedWork =>
        ((TWork*)work)->Run(part, parts);

    /// <summary>Claims and runs parts until none is left; a failure is recorded, and later parts are skipped.</summary>
    private static void RunClaimedParts()
    {
        int parts = s_parts;
        int part;
        while ((part = Interlocked.Increment(ref s_nextPart) - 1) < parts)
        {
            if (Volatile.Read(ref s_failure) is not null)
            {
                continue;
            }
            try
            {
                s_run(s_work, part, parts);
            }
#pragma warning disable CA1031 // Rethrown on the owner, which is the caller of the kernel.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                Interlocked.CompareExchange(ref s_failure, ExceptionDispatchInfo.Capture(exception), null);
            }
        }
    }

    /// <summary>
    /// Polls <paramref name="condition"/> for up to <see cref="PollTicks"/>; true if it held. Bounded, so that an idle
    /// pool parks its threads instead of burning the cores.
    /// </summary>
    private static bool SpinUntil(Func<bool> condition)
    {
        long deadline = Stopwatch.GetTimestamp() + PollTicks;
        while (!condition())
        {
            for (int i = 0; i < 64; i++)
            {
                Thread.SpinWait(8);
                if (condition())
                {
                    return true;
                }
            }
            if (Stopwatch.GetTimestamp() > deadline)
            {
                return false;
            }
        }
        return true;
    }

    private static Helper[] CreateHelpers()
    {
        var helpers = new Helper[Math.Max(0, Environment.ProcessorCount - 1)];
        for (int i = 0; i < helpers.Length; i++)
        {
            helpers[i] = new Helper(i + 1);
        }
        return helpers;
    }

    /// <summary>A parked background thread that joins the current call when the owner assigns it.</summary>
    [SuppressMessage("Design", "CA1001", Justification = "A helper and its semaphore live as long as the process.")]
    private sealed class Helper
    {
        private const int Idle = 0;
        private const int Assigned = 1;
        private const int Running = 2;

        private readonly SemaphoreSlim _bell = new(initialCount: 0);
        private int _state;
        private int _parked;

        // Made once: a lambda written at the call would allocate a delegate on every wait.
        private readonly Func<bool> _isAssigned;

        public Helper(int index)
        {
            _isAssigned = () => Volatile.Read(ref _state) == Assigned;
            var thread = new Thread(Loop)
            {
                IsBackground = true,
                Name = "BatchNormSharp worker " + index.ToString(CultureInfo.InvariantCulture),
            };
            thread.Start();
        }

        /// <summary>Assigns the helper to the published call (it is idle: the previous owner settled it).</summary>
        public void Assign()
        {
            Interlocked.Exchange(ref _state, Assigned); // also publishes the call's fields to this helper
            if (Volatile.Read(ref _parked) == 1)
            {
                _bell.Release(); // a polling helper sees the state itself; only a parked one needs the bell
            }
        }

        /// <summary>
        /// Returns when this helper may have been assigned: at once if an assignment arrives while it polls (kernels
        /// come in runs, such as BatchNorm's passes or a network's layers, and a parked thread takes tens of
        /// microseconds to wake), else after parking on the bell.
        /// </summary>
        private void WaitForAssignment()
        {
            if (SpinUntil(_isAssigned))
            {
                return;
            }
            // Announce the parking, then look once more: an owner that assigned before it could see the announcement
            // did not ring, and this look sees its assignment (both sides use full fences). A ring that comes although
            // the look succeeded is left over; the compare-and-swap in Loop makes the next wake-up a no-op.
            Interlocked.Exchange(ref _parked, 1);
            if (Volatile.Read(ref _state) != Assigned)
            {
                _bell.Wait();
            }
            Interlocked.Exchange(ref _parked, 0);
        }

        /// <summary>Waits until the helper has started on its assignment.</summary>
        public void WaitUntilStarted()
        {
            var spin = default(SpinWait);
            while (Volatile.Read(ref _state) == Assigned)
            {
                spin.SpinOnce();
            }
        }

        /// <summary>Takes the assignment back if the helper has not started on it.</summary>
        public bool TryCancel() => Interlocked.CompareExchange(ref _state, Idle, Assigned) == Assigned;

        private void Loop()
        {
            while (true)
            {
                // A ring left over from a cancelled call finds the state Idle (or assigned to a newer call, which is
                // then legitimately this helper's): only the compare-and-swap decides whether to work.
                WaitForAssignment();
                if (Interlocked.CompareExchange(ref _state, Running, Assigned) != Assigned)
                {
                    continue;
                }
                RunClaimedParts();
                Volatile.Write(ref _state, Idle);
                if (Interlocked.Decrement(ref s_outstanding) == 0)
                {
                    s_allDone.Release();
                }
            }
        }
    }
}
