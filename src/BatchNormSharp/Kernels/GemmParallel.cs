using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;

namespace BatchNormSharp.Kernels;

/// <summary>
/// Splits one product between the calling thread and parked helper threads, without allocating per call.
/// </summary>
/// <remarks>
/// <para>C is cut into fixed slices of whole register tiles along its longer side; each thread packs its own panels
/// and writes only its own slice. Every element is computed by the same FMA sequence whichever thread owns it (see
/// <see cref="GemmBlocking"/>), so the product is bit-identical for any number of threads.</para>
/// <para>The helpers are dedicated background threads started on first use and parked on a semaphore between
/// products: a thread-pool loop (<c>Parallel.For</c>) allocates its loop state on every call, and a training step
/// must allocate nothing. The caller's spans cannot travel to another thread, so they are pinned for the duration
/// of the product and handed over as pointers. One product owns the helpers at a time; a caller that finds them
/// busy computes alone, which gives the same result.</para>
/// </remarks>
internal static unsafe class GemmParallel
{
    // Semaphores rather than ManualResetEventSlim: that creates its lock object on its first blocking wait, an
    // allocation that would surface in some later training step.
    private static readonly SemaphoreSlim s_done = new(initialCount: 0);
    private static Helper[] s_helpers = [];
    private static int s_busy;
    private static int s_pending;

    // The product being computed; written by the owner before it wakes the helpers.
    private static GemmProblem s_problem;
    private static double* s_a;
    private static double* s_b;
    private static double* s_c;
    private static int s_aLength;
    private static int s_bLength;
    private static int s_cLength;
    private static int s_parts;
    private static ExceptionDispatchInfo? s_failure;

    /// <summary>
    /// Computes the whole product in <paramref name="parts"/> slices, one on the calling thread and one on each helper.
    /// </summary>
    public static void Multiply(
        in GemmProblem problem, ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int parts)
    {
        if (Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            GemmBlocking.MultiplyRegion(problem, a, b, c, 0, problem.M, 0, problem.N);
            return;
        }

        try
        {
            EnsureHelpers(parts - 1);
            fixed (double* pa = a, pb = b, pc = c)
            {
                s_problem = problem;
                s_a = pa;
                s_aLength = a.Length;
                s_b = pb;
                s_bLength = b.Length;
                s_c = pc;
                s_cLength = c.Length;
                s_parts = parts;
                s_failure = null;
                s_pending = parts - 1;
                for (int helper = 0; helper < parts - 1; helper++)
                {
                    s_helpers[helper].Start(part: helper + 1);
                }

                try
                {
                    MultiplyPart(problem, a, b, c, parts, part: 0);
                }
                finally
                {
                    // The helpers write through the pinned pointers: wait for them before the pin ends.
                    s_done.Wait();
                }
            }
            s_failure?.Throw();
        }
        finally
        {
            Volatile.Write(ref s_busy, 0);
        }
    }

    /// <summary>Computes slice <paramref name="part"/> of <paramref name="parts"/>.</summary>
    private static void MultiplyPart(
        in GemmProblem problem, ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int parts, int part)
    {
        // Slices are whole tiles along the longer side of C, so that each slice is as square as possible.
        if (problem.N >= problem.M)
        {
            (int start, int end) = Slice(problem.N, GemmMicroKernel.TileColumns(problem.Width), parts, part);
            GemmBlocking.MultiplyRegion(problem, a, b, c, 0, problem.M, start, end);
        }
        else
        {
            (int start, int end) = Slice(problem.M, GemmMicroKernel.TileRows(problem.Width), parts, part);
            GemmBlocking.MultiplyRegion(problem, a, b, c, start, end, 0, problem.N);
        }
    }

    /// <summary>The bounds of slice <paramref name="part"/> when <paramref name="length"/> is cut into whole tiles.</summary>
    private static (int Start, int End) Slice(int length, int tile, int parts, int part)
    {
        int tiles = (length + tile - 1) / tile;
        int start = tiles * part / parts * tile;
        int end = Math.Min(length, tiles * (part + 1) / parts * tile);
        return (start, end);
    }

    /// <summary>The most slices a product can be cut into: one per tile along the longer side of C.</summary>
    public static int MaxParts(in GemmProblem problem) => problem.N >= problem.M
        ? (problem.N + GemmMicroKernel.TileColumns(problem.Width) - 1) / GemmMicroKernel.TileColumns(problem.Width)
        : (problem.M + GemmMicroKernel.TileRows(problem.Width) - 1) / GemmMicroKernel.TileRows(problem.Width);

    /// <summary>Starts helper threads up to <paramref name="count"/>; only the owner of the helpers calls this.</summary>
    private static void EnsureHelpers(int count)
    {
        if (s_helpers.Length >= count)
        {
            return;
        }
        var helpers = new Helper[count];
        s_helpers.CopyTo(helpers, 0);
        for (int i = s_helpers.Length; i < count; i++)
        {
            helpers[i] = new Helper(i + 1);
        }
        s_helpers = helpers;
    }

    private static void RunHelperPart(int part)
    {
        try
        {
            var a = new ReadOnlySpan<double>(s_a, s_aLength);
            var b = new ReadOnlySpan<double>(s_b, s_bLength);
            var c = new Span<double>(s_c, s_cLength);
            MultiplyPart(s_problem, a, b, c, s_parts, part);
        }
#pragma warning disable CA1031 // A helper must not die silently: the failure is rethrown on the calling thread.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            s_failure = ExceptionDispatchInfo.Capture(exception);
        }
        finally
        {
            if (Interlocked.Decrement(ref s_pending) == 0)
            {
                s_done.Release();
            }
        }
    }

    /// <summary>A parked background thread that computes one slice each time it is started.</summary>
    [SuppressMessage("Design", "CA1001", Justification = "A helper and its semaphore live as long as the process.")]
    private sealed class Helper
    {
        private readonly SemaphoreSlim _start = new(initialCount: 0);
        private int _part;

        public Helper(int index)
        {
            var thread = new Thread(Run)
            {
                IsBackground = true,
                Name = "BatchNormSharp GEMM helper " + index.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            thread.Start();
        }

        public void Start(int part)
        {
            _part = part;
            _start.Release();
        }

        private void Run()
        {
            while (true)
            {
                _start.Wait();
                RunHelperPart(_part);
            }
        }
    }
}
