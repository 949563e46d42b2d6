using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace BatchNormSharp.Kernels;

/// <summary>How a kernel writes a vector of its output: the choice is a type argument, so the JIT compiles each
/// kernel once per way of storing and the inner loop carries no branch.</summary>
internal interface IVectorStore
{
    /// <summary>Writes <paramref name="value"/> to the eight doubles at <paramref name="destination"/> +
    /// <paramref name="offset"/>.</summary>
    static abstract void Store(Vector512<double> value, ref double destination, int offset);
}

/// <summary>An ordinary store: the line is read into the cache, then written there (the output stays cached for its
/// next reader).</summary>
internal readonly struct CachedStore : IVectorStore
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<double> value, ref double destination, int offset) =>
        value.StoreUnsafe(ref destination, (nuint)offset);
}

/// <summary>
/// A non-temporal store: the line goes to memory without being read first and without displacing other lines from
/// the cache. An output larger than the cache would be evicted before anyone read it anyway, so the read of each line
/// before its write (a third of the traffic of a pass that reads one array and writes another) is pure loss. The
/// destination must be pinned and 64-byte aligned (<see cref="StreamingStores.AlignedColumn"/>), and the pass must end
/// with <see cref="StreamingStores.Fence"/> so that the stores are visible before another thread reads them.
/// </summary>
internal readonly unsafe struct StreamingStore : IVectorStore
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<double> value, ref double destination, int offset)
    {
        double* address = (double*)Unsafe.AsPointer(ref Unsafe.Add(ref destination, offset));
        if (Avx512F.IsSupported)
        {
            Avx512F.StoreAlignedNonTemporal(address, value);
        }
        else
        {
            Avx.StoreAlignedNonTemporal(address, value.GetLower());
            Avx.StoreAlignedNonTemporal(address + 4, value.GetUpper());
        }
    }
}

/// <summary>When the kernels stream their output past the cache, and the alignment that needs.</summary>
internal static unsafe class StreamingStores
{
    /// <summary>
    /// Output bytes from which a pass streams: an output this large and its input do not fit together in a
    /// last-level cache of 32 MiB (large for a client CPU), so the output's lines would be evicted before the next
    /// layer read them. A smaller output is left in the cache for its reader. Measured on a Zen 4 core, one thread,
    /// µs cached / streamed, 2048 × 1024 (8192 × 1024): BatchNorm normalisation 1498 / 992 (7256 / 5485), input
    /// gradient 2296 / 2093 (11315 / 9652).
    /// </summary>
    public const long MinimumBytes = 16L << 20;

    private const int AlignmentBytes = 64;

    /// <summary>Whether this machine has the instructions (AVX) for non-temporal vector stores.</summary>
    public static bool Supported => Avx.IsSupported;

    /// <summary>
    /// Whether a row-major output of <paramref name="columns"/> columns at <paramref name="output"/> can be streamed
    /// by tiles: every row must start at the same offset from a 64-byte boundary (whole vectors per row) and the
    /// array must be aligned to its element size.
    /// </summary>
    public static bool CanStreamRows(double* output, int columns) =>
        Supported && columns % 8 == 0 && ((nuint)output % sizeof(double)) == 0;

    /// <summary>The first column at or after <paramref name="first"/> whose element in the pinned
    /// <paramref name="row"/> starts a 64-byte line.</summary>
    public static int AlignedColumn(double* row, int first)
    {
        nuint address = (nuint)(row + first);
        int misalignment = (int)(address % AlignmentBytes);
        return first + (misalignment == 0 ? 0 : (AlignmentBytes - misalignment) / sizeof(double));
    }

    /// <summary>Orders the streamed stores before any later store (the pool's signal that a part is done).</summary>
    public static void Fence() => Sse.StoreFence();
}
