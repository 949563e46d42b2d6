using System.Runtime.InteropServices;

namespace BatchNormSharp.Kernels;

/// <summary>
/// The per-thread scratch memory of <see cref="Gemm"/>: packed panels and the edge tile. Pooled, so that a product
/// allocates nothing once the buffer has grown to the largest block seen on that thread.
/// </summary>
internal static class GemmWorkspace
{
    /// <summary>Doubles per 64-byte cache line: the alignment of the scratch memory, and of a full Vector512 load.</summary>
    public const int Alignment = 8;

    [ThreadStatic]
    private static double[]? t_buffer;

    [ThreadStatic]
    private static int t_offset;

    /// <summary>
    /// Returns <paramref name="length"/> doubles of this thread's scratch memory, starting on a cache-line boundary.
    /// The contents are arbitrary; the memory stays this thread's until its next call.
    /// </summary>
    public static Span<double> Rent(int length)
    {
        double[]? buffer = t_buffer;
        if (buffer is null || buffer.Length - t_offset < length)
        {
            // On the pinned heap the array never moves, so the offset to its first aligned element stays valid.
            buffer = GC.AllocateUninitializedArray<double>(length + Alignment, pinned: true);
            long address = Marshal.UnsafeAddrOfPinnedArrayElement(buffer, 0);
            t_offset = (int)((Alignment - (address / sizeof(double) % Alignment)) % Alignment);
            t_buffer = buffer;
        }
        return buffer.AsSpan(t_offset, length);
    }

    /// <summary>Rounds <paramref name="count"/> up to a whole number of cache lines, so the next part stays aligned.</summary>
    public static int RoundUpToAlignment(int count) => (count + Alignment - 1) / Alignment * Alignment;
}
