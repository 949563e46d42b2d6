using System.Globalization;
using System.Text.Json;

namespace BatchNormSharp;

/// <summary>
/// Parses and checks the JSON header of a safetensors file against the size of its data section, before any tensor
/// is allocated: every entry's dtype, shape and byte range, and that the ranges tile the data section exactly.
/// </summary>
/// <remarks>
/// The header is untrusted input. It is read with <see cref="JsonDocument"/> (no reflection, no type names), its
/// depth is capped, and every number is checked before it is used as a size, so that a damaged or hostile file ends
/// in an <see cref="InvalidDataException"/> and never in a huge allocation.
/// </remarks>
internal sealed class SafeTensorsHeader
{
    // Root object → entry object → shape or offsets array: three levels; one spare.
    private const int MaxDepth = 4;

    private SafeTensorsHeader(IReadOnlyList<TensorInfo> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        Tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>One entry of the header, checked.</summary>
    internal sealed record TensorInfo(string Name, SafeTensorsDType DType, int[] Shape, long Begin, long End);

    /// <summary>The entries, in the order of their data in the file.</summary>
    public IReadOnlyList<TensorInfo> Tensors { get; }

    /// <summary>The <c>__metadata__</c> strings; empty when the header has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Parses <paramref name="json"/> and checks it against a data section of <paramref name="dataLength"/> bytes.</summary>
    /// <exception cref="InvalidDataException">The header is not valid JSON of the safetensors layout, or does not fit
    /// the data section.</exception>
    public static SafeTensorsHeader Parse(ReadOnlyMemory<byte> json, long dataLength)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = MaxDepth });
            return FromDocument(document.RootElement, dataLength);
        }
        catch (JsonException exception)
        {
            throw SafeTensorsReader.Damaged($"the header is not valid JSON ({exception.Message})");
        }
        catch (InvalidOperationException exception)
        {
            // JsonElement throws this for text it cannot transcode, such as invalid UTF-8 in a name.
            throw SafeTensorsReader.Damaged($"the header holds text that is not valid UTF-8 ({exception.Message})");
        }
    }

    private static SafeTensorsHeader FromDocument(JsonElement root, long dataLength)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw SafeTensorsReader.Damaged($"the header must be a JSON object, but is a {root.ValueKind}");
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        var tensors = new List<TensorInfo>();
        IReadOnlyDictionary<string, string> metadata = new Dictionary<string, string>();
        foreach (var property in root.EnumerateObject())
        {
            if (!names.Add(property.Name))
            {
                throw SafeTensorsReader.Damaged($"the header names '{property.Name}' twice");
            }
            if (property.Name == StateDictionary.MetadataKey)
            {
                metadata = ParseMetadata(property.Value);
            }
            else
            {
                tensors.Add(ParseTensor(property.Name, property.Value, dataLength));
            }
        }
        // A stable order (LINQ's sort is stable): empty tensors sharing an offset keep the header's order.
        List<TensorInfo> inFileOrder = [.. tensors.OrderBy(t => t.Begin).ThenBy(t => t.End)];
        RequireExactTiling(inFileOrder, dataLength);
        return new SafeTensorsHeader(inFileOrder, metadata);
    }

    private static Dictionary<string, string> ParseMetadata(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw SafeTensorsReader.Damaged($"'{StateDictionary.MetadataKey}' must be an object of strings, but is a " +
                                            $"{element.ValueKind}");
        }
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in element.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
            {
                throw SafeTensorsReader.Damaged(
                    $"metadata value '{item.Name}' must be a string, but is a {item.Value.ValueKind}");
            }
            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
            {
                throw SafeTensorsReader.Damaged($"the metadata names '{item.Name}' twice");
            }
        }
        return metadata;
    }

    private static TensorInfo ParseTensor(string name, JsonElement element, long dataLength)
    {
        if (name.Length == 0)
        {
            throw SafeTensorsReader.Damaged("a tensor has an empty name");
        }
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw SafeTensorsReader.Damaged($"tensor '{name}' must be described by an object, but is a {element.ValueKind}");
        }

        JsonElement? dtypeElement = null, shapeElement = null, offsetsElement = null;
        foreach (var field in element.EnumerateObject())
        {
            switch (field.Name)
            {
                case "dtype" when dtypeElement is null: dtypeElement = field.Value; break;
                case "shape" when shapeElement is null: shapeElement = field.Value; break;
                case "data_offsets" when offsetsElement is null: offsetsElement = field.Value; break;
                default:
                    throw SafeTensorsReader.Damaged(
                        $"tensor '{name}' has an unexpected or repeated field '{field.Name}' (expected dtype, shape, " +
                        "data_offsets)");
            }
        }

        var dtype = ParseDType(name, dtypeElement);
        int[] shape = ParseShape(name, shapeElement);
        (long begin, long end) = ParseOffsets(name, offsetsElement, dataLength);
        long expectedBytes = ByteSize(name, shape, dtype, dataLength);
        if (end - begin != expectedBytes)
        {
            throw SafeTensorsReader.Damaged(
                $"tensor '{name}' of dtype {dtype.HeaderName()} and shape {Tensor.FormatShape(shape)} needs " +
                $"{Format(expectedBytes)} bytes, but its data_offsets [{Format(begin)}, {Format(end)}] span " +
                $"{Format(end - begin)}");
        }
        if (Tensor.TryElementCount(shape) < 0)
        {
            // A zero beside a dimension beyond Array.MaxLength passes the byte-size check (0 bytes), and a data section
            // of more than 16 GB could pass it too: checked so that no shape a Tensor refuses ever leaves the header
            // (a tensor factory's ArgumentException must not escape the loader).
            throw SafeTensorsReader.Damaged(
                $"tensor '{name}' has shape {Tensor.FormatShape(shape)}, with more elements, or a dimension larger, " +
                $"than an array can hold ({Format(Array.MaxLength)})");
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static SafeTensorsDType ParseDType(string name, JsonElement? element)
    {
        if (element is not { ValueKind: JsonValueKind.String } dtypeName)
        {
            throw SafeTensorsReader.Damaged($"tensor '{name}' needs a string field 'dtype'");
        }
        string? text = dtypeName.GetString();
        return SafeTensorsDTypes.TryParse(text, out var dtype)
            ? dtype
            : throw SafeTensorsReader.Damaged(
                $"tensor '{name}' has dtype '{text}', which this library does not read (supported: " +
                $"{SafeTensorsDTypes.Supported})");
    }

    private static int[] ParseShape(string name, JsonElement? element)
    {
        if (element is not { ValueKind: JsonValueKind.Array } shapeArray)
        {
            throw SafeTensorsReader.Damaged($"tensor '{name}' needs an array field 'shape'");
        }
        var shape = new int[shapeArray.GetArrayLength()];
        int i = 0;
        foreach (var dimension in shapeArray.EnumerateArray())
        {
            if (dimension.ValueKind != JsonValueKind.Number || !dimension.TryGetInt32(out int size) || size < 0)
            {
                throw SafeTensorsReader.Damaged(
                    $"tensor '{name}' has shape entry {dimension.GetRawText()}, but every dimension must be a whole " +
                    $"number from 0 to {Format(int.MaxValue)}");
            }
            shape[i++] = size;
        }
        return shape;
    }

    private static (long Begin, long End) ParseOffsets(string name, JsonElement? element, long dataLength)
    {
        if (element is not { ValueKind: JsonValueKind.Array } offsets || offsets.GetArrayLength() != 2)
        {
            throw SafeTensorsReader.Damaged($"tensor '{name}' needs a field 'data_offsets' of two numbers [begin, end]");
        }
        long begin = Offset(name, offsets[0]);
        long end = Offset(name, offsets[1]);
        if (begin > end || end > dataLength)
        {
            throw SafeTensorsReader.Damaged(
                $"tensor '{name}' has data_offsets [{Format(begin)}, {Format(end)}], outside the data section of " +
                $"{Format(dataLength)} bytes (offsets must satisfy 0 <= begin <= end <= {Format(dataLength)})");
        }
        return (begin, end);
    }

    private static long Offset(string name, JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out long offset) || offset < 0)
        {
            throw SafeTensorsReader.Damaged(
                $"tensor '{name}' has data offset {element.GetRawText()}, but offsets must be whole numbers of 0 or more");
        }
        return offset;
    }

    /// <summary>
    /// The bytes a tensor of <paramref name="shape"/> takes, computed so that it cannot overflow: a product that
    /// outgrows the data section is reported as soon as it does.
    /// </summary>
    private static long ByteSize(string name, int[] shape, SafeTensorsDType dtype, long dataLength)
    {
        if (shape.Contains(0))
        {
            return 0;
        }
        long bytes = dtype.Size();
        foreach (int dimension in shape)
        {
            if (bytes > dataLength / dimension)
            {
                throw SafeTensorsReader.Damaged(
                    $"tensor '{name}' has shape {Tensor.FormatShape(shape)}, more {dtype.HeaderName()} values than " +
                    $"the data section of {Format(dataLength)} bytes can hold");
            }
            bytes *= dimension;
        }
        return bytes;
    }

    /// <summary>The format stores tensors back to back: no gap, no overlap, nothing left over.</summary>
    private static void RequireExactTiling(List<TensorInfo> tensors, long dataLength)
    {
        long expectedBegin = 0;
        foreach (var tensor in tensors)
        {
            if (tensor.Begin != expectedBegin)
            {
                string problem = tensor.Begin < expectedBegin ? "overlaps the tensor before it" : "leaves a gap before it";
                throw SafeTensorsReader.Damaged(
                    $"tensor '{tensor.Name}' starts at byte {Format(tensor.Begin)} of the data section and {problem} " +
                    $"(expected byte {Format(expectedBegin)})");
            }
            expectedBegin = tensor.End;
        }
        if (expectedBegin != dataLength)
        {
            throw SafeTensorsReader.Damaged(
                $"the tensors cover {Format(expectedBegin)} bytes, but the data section has {Format(dataLength)}");
        }
    }

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
}
