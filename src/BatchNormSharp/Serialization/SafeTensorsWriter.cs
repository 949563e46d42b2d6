using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;

namespace BatchNormSharp;

/// <summary>
/// Writes a <see cref="StateDictionary"/> in the safetensors format: <c>F64</c> for float entries and <c>I64</c> for
/// integer entries, in the dictionary's order, back to back.
/// </summary>
internal static class SafeTensorsWriter
{
    // Values are encoded through a small buffer, so a large tensor is not copied whole.
    private const int ChunkValues = 4096;

    /// <summary>Writes the header and the data of <paramref name="state"/> to <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">An integer entry holds a value that is not a whole number (it was changed
    /// after it was added); nothing is written.</exception>
    public static void Write(StateDictionary state, Stream destination)
    {
        RequireSavable(state);
        byte[] header = Header(state);
        if (header.Length > SafeTensorsReader.MaxHeaderBytes)
        {
            throw new ArgumentException(
                $"The state's header would take {header.Length.ToString(CultureInfo.InvariantCulture)} bytes, more " +
                $"than the {SafeTensorsReader.MaxHeaderBytes.ToString(CultureInfo.InvariantCulture)} that Load (and " +
                "the reference safetensors library) accept. Save fewer entries or shorter names and metadata.",
                nameof(state));
        }
        Span<byte> length = stackalloc byte[SafeTensorsReader.LengthPrefixBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        destination.Write(length);
        destination.Write(header);

        byte[] chunk = new byte[ChunkValues * sizeof(double)];
        foreach (var (name, tensor) in state)
        {
            WriteValues(tensor.AsReadOnlySpan(), state.IsInteger(name), chunk, destination);
        }
    }

    /// <summary>
    /// Refuses, before anything is written, every state that <see cref="SafeTensorsReader"/> would refuse to read back:
    /// a null metadata value, text that is not valid UTF-16 (a lone surrogate cannot become UTF-8), and an integer entry
    /// holding something other than a whole number.
    /// </summary>
    /// <exception cref="ArgumentException">The state could not be read back.</exception>
    public static void RequireSavable(StateDictionary state)
    {
        foreach (var (key, value) in state.Metadata)
        {
            RequireText(key, $"Metadata key '{key}'", nameof(state));
            if (value is null)
            {
                throw new ArgumentException(
                    $"Metadata value '{key}' must be a string, but is null, which SafeTensors.Load refuses. Store an " +
                    "empty string or remove the key; nothing was written.", nameof(state));
            }
            RequireText(value, $"Metadata value '{key}'", nameof(state));
        }
        foreach (var (name, _) in state)
        {
            RequireText(name, $"Entry name '{name}'", nameof(state));
        }
        RequireWholeIntegerEntries(state);
    }

    private static void RequireText(string text, string what, string parameterName)
    {
        ReadOnlySpan<char> rest = text;
        while (!rest.IsEmpty)
        {
            if (System.Text.Rune.DecodeFromUtf16(rest, out _, out int consumed) != OperationStatus.Done)
            {
                throw new ArgumentException(
                    $"{what} holds a lone UTF-16 surrogate, which cannot be written as UTF-8 and so could not be " +
                    "loaded. Remove it; nothing was written.", parameterName);
            }
            rest = rest[consumed..];
        }
    }

    private static void RequireWholeIntegerEntries(StateDictionary state)
    {
        foreach (var (name, tensor) in state)
        {
            if (state.IsInteger(name) && !StateDictionary.HoldsWholeNumbers(tensor))
            {
                throw new ArgumentException(
                    $"Integer entry '{name}' must hold whole numbers to be saved as I64, but holds other values.",
                    nameof(state));
            }
        }
    }

    /// <summary>
    /// The JSON header, padded with spaces so that the data section starts on an 8-byte boundary (as the reference
    /// implementation does, so that readers may map the data in place).
    /// </summary>
    private static byte[] Header(StateDictionary state)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (state.Metadata.Count > 0)
            {
                json.WriteStartObject(StateDictionary.MetadataKey);
                foreach (var (key, value) in state.Metadata)
                {
                    json.WriteString(key, value);
                }
                json.WriteEndObject();
            }

            long offset = 0;
            foreach (var (name, tensor) in state)
            {
                long end = offset + ((long)tensor.Length * sizeof(double));
                json.WriteStartObject(name);
                json.WriteString("dtype", (state.IsInteger(name) ? SafeTensorsDType.I64 : SafeTensorsDType.F64).HeaderName());
                json.WriteStartArray("shape");
                foreach (int dimension in tensor.Shape)
                {
                    json.WriteNumberValue(dimension);
                }
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(end);
                json.WriteEndArray();
                json.WriteEndObject();
                offset = end;
            }
            json.WriteEndObject();
        }

        int padded = (buffer.WrittenCount + SafeTensorsReader.LengthPrefixBytes + 7) / 8 * 8
                     - SafeTensorsReader.LengthPrefixBytes;
        byte[] header = new byte[padded];
        buffer.WrittenSpan.CopyTo(header);
        header.AsSpan(buffer.WrittenCount).Fill((byte)' ');
        return header;
    }

    private static void WriteValues(ReadOnlySpan<double> values, bool asInteger, byte[] chunk, Stream destination)
    {
        while (!values.IsEmpty)
        {
            int count = Math.Min(values.Length, ChunkValues);
            for (int i = 0; i < count; i++)
            {
                Span<byte> slot = chunk.AsSpan(i * sizeof(double), sizeof(double));
                if (asInteger)
                {
                    BinaryPrimitives.WriteInt64LittleEndian(slot, (long)values[i]);
                }
                else
                {
                    BinaryPrimitives.WriteDoubleLittleEndian(slot, values[i]);
                }
            }
            destination.Write(chunk, 0, count * sizeof(double));
            values = values[count..];
        }
    }
}
