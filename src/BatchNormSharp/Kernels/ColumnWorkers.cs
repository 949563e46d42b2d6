using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;

namespace BatchNormSharp.Kernels;

/// <summary>
/// Helper threads, one per core beyond the first, that share the chunks of a <see cref="ColumnParallel"/> call with
/// the thread that made it. Started on first use and kept for the life of the process, so that a call allocates
/// nothing.
/// </summary>
/// <remarks>
/// <para>The calling thread (the owner) publishes the chunks and works through them itself; a helper that wakes in
/// time claims chunks too. Chunks are claimed one at a time with a compare-and-swap on
/// <c>(generation, next chunk)</c>, so a helper that wakes late finds nothing left and goes back to sleep, and the
/// owner never waits for a helper that has not started: on a busy machine the call simply runs on one thread.</para>
/// <para>One owner at a time: a call made while another thread owns the helpers runs alone instead of waiting.</para>
/// </remarks>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable",
    Justification = "One instance for the life of the process; its events live as long as its helper threads.")]
internal sealed class ColumnWorkers
{
    private readonly ManualResetEventSlim[] _wakeHelpers;
    private readonly ManualResetEventSlim _allChunksDone = new(initialState: false);
    private bool _started;
    private int _owned;

    // The published call. Written by the owner before it publishes a new generation in _claims; stable until every
    // chunk of that generation has completed, which the owner waits for before it releases the helpers.
    private long _claims;
    private int _generation;
    private IColumnRange? _work;
    private int _columns;
    private int _chunkWidth;
    private int _chunkCount;
    private int _completed;
    private Exception? _failure;

    private ColumnWorkers(int helperCount)
    {
        _wakeHelpers = new ManualResetEventSlim[helperCount];
        for (int i = 0; i < helperCount; i++)
        {
            _wakeHelpers[i] = new ManualResetEventSlim(initialState: false);
        }
    }

    /// <summary>The helpers of this process: one per available core beyond the first.</summary>
    public static ColumnWorkers Shared { get; } = new(Math.Max(0, Environment.ProcessorCount - 1));

    /// <summary>The number of helper threads (0 on a single core).</summary>
    public int HelperCount => _wakeHelpers.Length;

    /// <summary>
    /// Runs <paramref name="work"/> over <c>[0, columns)</c> in chunks of <paramref name="chunkWidth"/> columns,
    /// with the helpers; returns <see langword="false"/> without doing anything when another thread owns them.
    /// </summary>
    public bool TryRun<TWork>(ref TWork work, int columns, int chunkWidth)
        where TWork : struct, IColumnWork
    {
        if (Interlocked.CompareExchange(ref _owned, 1, 0) != 0)
        {
            return false;
        }
        var box = WorkBox<TWork>.Shared;
        try
        {
            StartHelpersOnce();
            box.Work = work;
            Publish(box, columns, chunkWidth);
            Exception? failure = RunChunks(ref work);
            WaitForAllChunks();
            failure ??= _failure;
            if (failure is not null)
            {
                ExceptionDispatchInfo.Throw(failure);
            }
            return true;
        }
        finally
        {
            // Drop the references to the caller's memory before letting the next owner in.
            box.Work = default;
            _work = null;
            _failure = null;
            Volatile.Write(ref _owned, 0);
        }
    }

    private void StartHelpersOnce()
    {
        if (_started)
        {
            return;
        }
        _started = true;
        for (int i = 0; i < _wakeHelpers.Length; i++)
        {
            var thread = new Thread(HelperLoop)
            {
                IsBackground = true,
                Name = $"BatchNormSharp column helper {i + 1}",
            };
            thread.Start(_wakeHelpers[i]);
        }
    }

    private void Publish(IColumnRange work, int columns, int chunkWidth)
    {
        _work = work;
        _columns = columns;
        _chunkWidth = chunkWidth;
        _chunkCount = (columns + chunkWidth - 1) / chunkWidth;
        _completed = 0;
        _failure = null;
        _allChunksDone.Reset();
        _generation++;
        Interlocked.Exchange(ref _claims, (long)_generation << 32); // publishes the fields above
        foreach (var wake in _wakeHelpers)
        {
            wake.Set();
        }
    }

    /// <summary>The owner's share: claims chunks until none is left; returns what its own chunks threw, if anything.</summary>
    private Exception? RunChunks<TWork>(ref TWork work)
        where TWork : struct, IColumnWork
    {
        Exception? failure = null;
        while (TryClaim(out int chunk))
        {
            if (failure is null)
            {
                try
                {
                    (int first, int end) = ChunkColumns(chunk);
                    work.Run(first, end);
                }
                catch (Exception exception)
                {
                    failure = exception; // still count the chunk, so that nobody waits for it
                }
            }
            FinishChunk();
        }
        return failure;
    }

    private void HelperLoop(object? state)
    {
        var wake = (ManualResetEventSlim)state!;
        while (true)
        {
            wake.Wait();
            wake.Reset(); // before claiming: a wake-up set after this point is kept for the next round
            while (TryClaim(out int chunk))
            {
                if (Volatile.Read(ref _failure) is null)
                {
                    try
                    {
                        (int first, int end) = ChunkColumns(chunk);
                        _work!.Run(first, end);
                    }
                    catch (Exception exception)
                    {
                        Volatile.Write(ref _failure, exception); // rethrown by the owner
                    }
                }
                FinishChunk();
            }
        }
    }

    private bool TryClaim(out int chunk)
    {
        while (true)
        {
            long claims = Volatile.Read(ref _claims);
            chunk = (int)(claims & uint.MaxValue);
            if (chunk >= Volatile.Read(ref _chunkCount))
            {
                return false;
            }
            // The generation in the high half makes a stale claim from an earlier call fail.
            if (Interlocked.CompareExchange(ref _claims, claims + 1, claims) == claims)
            {
                return true;
            }
        }
    }

    private (int First, int End) ChunkColumns(int chunk)
    {
        int first = chunk * _chunkWidth;
        return (first, Math.Min(_columns, first + _chunkWidth));
    }

    private void FinishChunk()
    {
        int count = _chunkCount;
        if (Interlocked.Increment(ref _completed) == count)
        {
            _allChunksDone.Set();
        }
    }

    private void WaitForAllChunks()
    {
        while (Volatile.Read(ref _completed) < _chunkCount)
        {
            _allChunksDone.Wait();
            _allChunksDone.Reset(); // a late signal of an earlier call may have woken us: check again
        }
    }

    /// <summary>The non-generic face of a published <see cref="IColumnWork"/>, for the helper threads.</summary>
    private interface IColumnRange
    {
        void Run(int firstColumn, int endColumn);
    }

    /// <summary>One reusable box per kind of work, so that publishing a call allocates nothing.</summary>
    private sealed class WorkBox<TWork> : IColumnRange
        where TWork : struct, IColumnWork
    {
        public static readonly WorkBox<TWork> Shared = new();

        public TWork Work;

        public void Run(int firstColumn, int endColumn) => Work.Run(firstColumn, endColumn);
    }
}
