using System.Buffers.Binary;
using System.Globalization;

namespace BatchNormSharp;

/// <summary>
/// Reads a safetensors file: an 8-byte little-endian header length, a JSON header, then the raw little-endian data.
/// </summary>
/// <remarks>
/// Checks run from the outside in, each before anything it guards is allocated: the header length against the file
/// and a cap, then the whole header (<see cref="SafeTensorsHeader"/>), and only then are tensors created and filled.
/// </remarks>
internal static class SafeTensorsReader
{
    /// <summary>The largest header accepted, as in the reference implementation: 100 MB.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>Bytes of the little-endian header length at the start of the file.</summary>
    public const int LengthPrefixBytes = 8;

    // A double holds every integer up to 2^53 exactly; a larger int64 could not come back unchanged.
    private const long LargestExactInteger = 1L << 53;

    /// <summary>Parses a whole file held in memory.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a valid safetensors file this library can read.</exception>
    public static StateDictionary Read(ReadOnlyMemory<byte> file)
    {
        int headerLength = HeaderLength(file.Span);
        var header = SafeTensorsHeader.Parse(file.Slice(LengthPrefixBytes, headerLength),
            file.Length - LengthPrefixBytes - headerLength);
        ReadOnlySpan<byte> data = file.Span[(LengthPrefixBytes + headerLength)..];

        var state = WithMetadata(header);
        foreach (var info in header.Tensors)
        {
            var tensor = Tensor.Zeros(info.Shape);
            // In memory the data section is shorter than 2 GiB, so the checked offsets fit an int.
            Decode(info, data[(int)info.Begin..(int)info.End], tensor.AsSpan());
            state.Add(info.Name, tensor, isInteger: info.DType == SafeTensorsDType.I64);
        }
        return state;
    }

    /// <summary>The error for a damaged or unsupported file, with the reason.</summary>
    public static InvalidDataException Damaged(string reason) => new($"Not a valid safetensors file: {reason}.");

    /// <summary>An empty state dictionary carrying the header's metadata.</summary>
    public static StateDictionary WithMetadata(SafeTensorsHeader header)
    {
        var state = new StateDictionary();
        foreach (var (key, value) in header.Metadata)
        {
            state.Metadata[key] = value;
        }
        return state;
    }

    private static int HeaderLength(ReadOnlySpan<byte> file)
    {
        if (file.Length < LengthPrefixBytes)
        {
            throw Damaged($"it has {Format(file.Length)} bytes, fewer than the {LengthPrefixBytes} that hold the " +
                          "header length");
        }
        return HeaderLength(BinaryPrimitives.ReadUInt64LittleEndian(file), file.Length - LengthPrefixBytes);
    }

    /// <summary>Checks a header length read from the prefix against the bytes that follow it and the cap.</summary>
    public static int HeaderLength(ulong length, long available)
    {
        if (length > (ulong)Math.Min(MaxHeaderBytes, available))
        {
            throw Damaged($"the header length is {length.ToString(CultureInfo.InvariantCulture)} bytes, but at most " +
                          $"{Format(available)} bytes follow the length and the limit is {Format(MaxHeaderBytes)}");
        }
        return (int)length;
    }

    /// <summary>Decodes the little-endian values of <paramref name="info"/>'s dtype in <paramref name="bytes"/>.</summary>
    public static void Decode(SafeTensorsHeader.TensorInfo info, ReadOnlySpan<byte> bytes, Span<double> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = info.DType switch
            {
                SafeTensorsDType.F64 => BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * i)..]),
                SafeTensorsDType.F32 => BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]),
                _ => ExactInteger(info.Name, BinaryPrimitives.ReadInt64LittleEndian(bytes[(8 * i)..])),
            };
        }
    }

    private static double ExactInteger(string name, long value) =>
        value is >= -LargestExactInteger and <= LargestExactInteger
            ? value
            : throw Damaged($"I64 tensor '{name}' holds {value.ToString(CultureInfo.InvariantCulture)}, beyond " +
                            "the ±2^53 that this library holds exactly");

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
}
