using System.Buffers.Binary;
using System.Globalization;

namespace BatchNormSharp;

/// <summary>
/// Reads a safetensors file from disk without trusting it: a regular file only, the 8-byte prefix and the header
/// first, and then no more bytes than the header promises, straight into the tensors.
/// </summary>
/// <remarks>
/// <para>Why not read the whole file and parse it: a FIFO never ends (the read blocks forever), <c>/dev/zero</c> never
/// ends either (the read fills memory), and a directory is not a file at all. The file system's size of a regular file
/// bounds every read; anything else reports a size of 0 and is refused before it is opened, so that opening a FIFO
/// (which blocks until a writer appears) never happens.</para>
/// <para>A file that changes while it is read (shorter or longer than its size said) is refused as damaged.</para>
/// </remarks>
internal static class SafeTensorsFile
{
    // Values are decoded through a buffer of this many bytes, so that reading needs no copy of the data section.
    private const int ChunkBytes = 64 * 1024;

    /// <summary>Loads the file at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">Not a regular file, or not a valid safetensors file.</exception>
    /// <exception cref="FileNotFoundException">There is nothing at <paramref name="path"/>.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static StateDictionary Read(string path)
    {
        if (Directory.Exists(path))
        {
            throw NotAFile(path, "it is a directory");
        }
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"There is no file '{path}' to load.", path);
        }
        long length = info.Length;
        if (length < SafeTensorsReader.LengthPrefixBytes)
        {
            // FIFOs, character and block devices, sockets and /proc files all report 0 bytes; an empty or tiny
            // regular file is damaged anyway. Refused before opening: opening a FIFO blocks until a writer appears.
            throw NotAFile(path, $"the file system reports {Format(length)} bytes, fewer than the " +
                                 $"{SafeTensorsReader.LengthPrefixBytes} that hold the header length (an empty file, or " +
                                 "a FIFO, device or other special file, which this loader does not read)");
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        if (!stream.CanSeek)
        {
            throw NotAFile(path, "it is not a regular file (it cannot seek)");
        }
        Span<byte> prefix = stackalloc byte[SafeTensorsReader.LengthPrefixBytes];
        ReadExactly(stream, prefix, length);
        int headerLength = SafeTensorsReader.HeaderLength(BinaryPrimitives.ReadUInt64LittleEndian(prefix),
            length - SafeTensorsReader.LengthPrefixBytes);
        byte[] headerBytes = new byte[headerLength];
        ReadExactly(stream, headerBytes, length);
        long dataLength = length - SafeTensorsReader.LengthPrefixBytes - headerLength;
        var header = SafeTensorsHeader.Parse(headerBytes, dataLength);

        var state = SafeTensorsReader.WithMetadata(header);
        // The header's entries tile the data section in file order (checked by Parse), so the data is read front to
        // back, each tensor's bytes exactly once, never more than the header promised.
        byte[] chunk = new byte[(int)Math.Min(ChunkBytes, Math.Max(dataLength, 8))];
        foreach (var entry in header.Tensors)
        {
            var tensor = Tensor.Zeros(entry.Shape);
            Span<double> values = tensor.AsSpan();
            int size = entry.DType.Size();
            int perChunk = chunk.Length / size;
            for (int done = 0; done < values.Length; done += perChunk)
            {
                int count = Math.Min(perChunk, values.Length - done);
                Span<byte> bytes = chunk.AsSpan(0, count * size);
                ReadExactly(stream, bytes, length);
                SafeTensorsReader.Decode(entry, bytes, values.Slice(done, count));
            }
            state.Add(entry.Name, tensor, isInteger: entry.DType == SafeTensorsDType.I64);
        }
        if (stream.ReadByte() >= 0)
        {
            throw SafeTensorsReader.Damaged(
                $"the file grew while it was read (the file system reported {Format(length)} bytes)");
        }
        return state;
    }

    private static void ReadExactly(Stream stream, Span<byte> destination, long reportedLength)
    {
        int read = stream.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false);
        if (read < destination.Length)
        {
            throw SafeTensorsReader.Damaged(
                $"the file ended at byte {Format(stream.Position)}, but the file system reported {Format(reportedLength)} " +
                "bytes (it changed while it was read)");
        }
    }

    private static InvalidDataException NotAFile(string path, string reason) =>
        new($"Cannot load '{path}' as a safetensors file: {reason}. Nothing was read. Pass the path of a regular " +
            ".safetensors file.");

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
}
