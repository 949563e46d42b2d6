using System.Numerics;
using System.Runtime.Intrinsics;

namespace BatchNormSharp.Kernels;

/// <summary>
/// Runs <see cref="IColumnWork"/> on the calling thread and the <see cref="ColumnWorkers"/>, split into fixed
/// chunks of columns. Each column is computed whole by one thread, in the same order of operations as on one
/// thread, so results are bit-identical whatever the number of threads or who runs which chunk.
/// </summary>
internal static class ColumnParallel
{
    /// <summary>
    /// Calls that touch less input than this stay on one thread: waking a second core costs some microseconds,
    /// which only pays for itself from about 1 MB of data on.
    /// </summary>
    public const long MinimumBytesToSplit = 1L << 20;

    /// <summary>Chunks per thread: more than one lets a thread that finishes early take over a late thread's share.</summary>
    private const int ChunksPerThread = 2;

    /// <summary>Runs <paramref name="work"/> over the columns <c>[0, columns)</c>, split across threads when it pays.</summary>
    /// <param name="work">The work; copied to the helper threads, so it must hold only references to shared memory.</param>
    /// <param name="columns">The number of columns.</param>
    /// <param name="bytes">The size of the largest input, the measure of whether a split pays.</param>
    public static void For<TWork>(ref TWork work, int columns, long bytes)
        where TWork : struct, IColumnWork
    {
        int chunkWidth = ChunkWidth(columns, bytes);
        if (chunkWidth >= columns || !ColumnWorkers.Shared.TryRun(ref work, columns, chunkWidth))
        {
            work.Run(0, columns);
        }
    }

    /// <summary>
    /// The width of a chunk: whole register tiles (<see cref="BatchNormTiles.TileWidth"/> columns) so that no thread
    /// falls back to narrower loops, or single vectors when a test asks to split everything.
    /// </summary>
    private static int ChunkWidth(int columns, long bytes)
    {
        switch (KernelThreads.Mode)
        {
            case KernelThreading.SingleThread:
                return columns;
            case KernelThreading.AlwaysSplit:
                return Vector512<double>.Count;
            default:
                int threads = ColumnWorkers.Shared.HelperCount + 1;
                if (bytes < MinimumBytesToSplit || threads < 2)
                {
                    return columns;
                }
                int width = BatchNormTiles.TileWidth;
                int perChunk = (columns + (threads * ChunksPerThread) - 1) / (threads * ChunksPerThread);
                return Math.Max(width, (perChunk + width - 1) / width * width);
        }
    }
}
