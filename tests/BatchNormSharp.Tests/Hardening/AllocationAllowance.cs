using System.Buffers.Binary;

namespace BatchNormSharp.Tests.Hardening;

/// <summary>
/// How much one <see cref="SafeTensors.Read"/> may allocate for a file, computed from what an honest reader needs:
/// the values (an <c>F32</c> value widens to an 8-byte double, so up to twice the data), the bookkeeping of each
/// header entry, and a fixed amount.
/// </summary>
/// <remarks>
/// The header term is the large one for hostile files. Its densest form is thousands of empty or scalar entries of
/// about 50 JSON bytes each; each becomes a name string, a shape array, a tensor and dictionary slots, about ten
/// times its JSON bytes. The JSON parser's token table (12 bytes per token, rented from the shared array pool while
/// it grows) adds up to about as much again the first time a header of that size is seen. Measured: a first read of
/// a 17.8 KB header of 300 entries allocates 285 KB (16 ×); a warm read about 10 ×.
/// </remarks>
internal static class AllocationAllowance
{
    /// <summary>The bound in words, for failure messages and the README.</summary>
    public const string Description =
        "at most 2 × the file's length (an F32 value widens to a double) + 24 × its header length (one tensor, name, " +
        "shape and dictionary slot per header entry, and the JSON parser's token table) + 64 KiB";

    private const long HeaderFactor = 24;
    private const long Fixed = 64 * 1024;

    /// <summary>The allowance for <paramref name="file"/>; the header length counts only as far as the file goes.</summary>
    public static long For(byte[] file)
    {
        ulong declared = file.Length >= 8 ? BinaryPrimitives.ReadUInt64LittleEndian(file) : 0;
        long header = (long)Math.Min(declared, (ulong)file.Length);
        return (2L * file.Length) + (HeaderFactor * header) + Fixed;
    }
}
