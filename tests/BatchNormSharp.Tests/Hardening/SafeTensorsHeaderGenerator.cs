using System.Globalization;
using System.Text;
using BatchNormSharp.Tests.Helpers;

namespace BatchNormSharp.Tests.Hardening;

/// <summary>
/// A structure-aware generator of safetensors files: it builds headers entry by entry and combines the dimensions of
/// the header that byte-level damage rarely combines — shapes with zeros beside huge dimensions, dimensions whose
/// product overflows 32 and 64 bits, numbers spelled <c>1e400</c>, <c>-0</c> or <c>1.0</c>, offsets that overlap, leave
/// gaps or run backwards, metadata of every JSON type — with a data section sized from what the header promises.
/// </summary>
/// <remarks>
/// One kind in ten is left consistent (every entry's offsets tile the data exactly), and damage of other kinds often
/// leaves a file valid, so that the mix holds files that must load (about 15 %) as well as files that must be refused.
/// </remarks>
internal sealed class SafeTensorsHeaderGenerator(int seed)
{
    // Dimensions that matter: zero, small, the largest array length and just past it, int's limits, and dimensions
    // whose products overflow 32 bits (65536², 46341²) and 64 bits (2^62 · 4, 4294967296²).
    private static readonly long[] Dimensions =
    [
        0, 0, 1, 1, 2, 3, 7, 8, 46341, 65536, 2147483591, 2147483592, 2147483647, 2147483648, 4294967296,
        4611686018427387904,
    ];

    // The same numbers spelled the ways JSON allows and a parser may misread.
    private static readonly string[] Spellings = ["{0}", "{0}.0", "{0}e0", "{0}E0", "{0}.00", "0{0}", "+{0}", "-{0}"];

    private static readonly string[] OddNumbers =
        ["-0", "1e400", "-1e400", "1.0", "1.5", "1e2", "1E1", "0.0", "-0.0", "5e-324", "NaN", "\"2\"", "null", "true"];

    private static readonly string[] DTypes = ["F64", "F64", "F32", "I64", "F16", "f64", "BOOL", ""];

    private static readonly string[] MetadataValues =
    [
        "\"pt\"", "\"\"", "\"\\u0000\"", "\"\\ud800\"", "1", "-0", "1e400", "true", "false", "null", "[]", "[\"a\"]",
        "{}", "{\"a\":\"b\"}", "\"x\\\"y\"",
    ];

    private static readonly string[] MetadataShapes =
        ["absent", "object", "object", "array", "null", "string", "number", "nested", "duplicate key"];

    private readonly Random _random = new(seed);

    /// <summary>The kinds of header this generator makes, for the fuzz report.</summary>
    public static IReadOnlyList<string> Kinds { get; } =
        ["consistent", "zero beside huge", "overflowing shape", "odd number", "overlap", "gap", "backwards",
         "odd metadata", "wrong dtype", "data length off"];

    /// <summary>The next file: its kind and its bytes.</summary>
    public (string Kind, byte[] File) Next()
    {
        string kind = Kinds[_random.Next(Kinds.Count)];
        int entries = _random.Next(kind == "consistent" ? 0 : 1, 5);
        var header = new StringBuilder("{");
        var parts = new List<string>();
        string? metadata = Metadata(kind == "odd metadata");
        if (metadata is not null)
        {
            parts.Add(metadata);
        }

        long offset = 0;
        for (int i = 0; i < entries; i++)
        {
            string dtype = kind == "wrong dtype" && _random.Next(2) == 0 ? Pick(DTypes) : Pick(DTypes[..4]);
            int size = dtype == "F32" ? 4 : 8;
            var shape = Shape(kind);
            long bytes = ByteSize(shape, size);
            long begin = offset, end = offset + Math.Min(bytes, 512);
            string beginText = Number(begin), endText = Number(end);
            switch (kind)
            {
                case "overlap" when i > 0: beginText = Number(Math.Max(0, begin - 8)); break;
                case "gap": beginText = Number(begin + 8); endText = Number(end + 8); break;
                case "backwards": (beginText, endText) = (endText, beginText == endText ? Number(begin + 8) : beginText); break;
                case "odd number" when _random.Next(3) == 0: endText = Pick(OddNumbers); break;
            }
            string dims = string.Join(",", shape.Select(d => kind == "odd number" && _random.Next(3) == 0
                ? Spell(d)
                : d.ToString(CultureInfo.InvariantCulture)));
            parts.Add($"\"t{i}\":{{\"dtype\":\"{dtype}\",\"shape\":[{dims}],\"data_offsets\":[{beginText},{endText}]}}");
            offset = end;
        }
        // Entries in any order: the format sorts them by offset.
        parts = [.. parts.OrderBy(_ => _random.Next())];
        header.Append(string.Join(",", parts)).Append('}');

        long dataLength = offset;
        if (kind == "data length off")
        {
            dataLength = Math.Max(0, dataLength + Pick([-8L, -1, 1, 8, 4096]));
        }
        var data = new byte[dataLength];
        _random.NextBytes(data);
        ClearNaNPayloadsIn(data); // any bytes decode; kept plain so that a loaded file is easy to inspect
        return (kind, SafeTensorsFiles.Build(header.ToString(), data));
    }

    private long[] Shape(string kind)
    {
        int rank = _random.Next(0, 4);
        var shape = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            shape[i] = kind is "zero beside huge" or "overflowing shape" or "odd number"
                ? Pick(Dimensions)
                : _random.Next(0, 5);
        }
        if (kind == "zero beside huge" && rank > 0)
        {
            shape[_random.Next(rank)] = 0;
        }
        return shape;
    }

    /// <summary>The bytes a shape needs, saturating instead of overflowing; a huge shape gets a small data range, which
    /// the reader must refuse.</summary>
    private static long ByteSize(long[] shape, int size)
    {
        if (shape.Contains(0))
        {
            return 0;
        }
        long bytes = size;
        foreach (long dimension in shape)
        {
            if (dimension != 0 && bytes > long.MaxValue / dimension)
            {
                return long.MaxValue;
            }
            bytes *= dimension;
        }
        return bytes;
    }

    private string Spell(long dimension) => _random.Next(3) == 0
        ? Pick(OddNumbers)
        : string.Format(CultureInfo.InvariantCulture, Pick(Spellings), dimension);

    private string Number(long value) => _random.Next(8) == 0 ? Spell(value) : value.ToString(CultureInfo.InvariantCulture);

    private string? Metadata(bool odd)
    {
        string shape = odd ? Pick(MetadataShapes) : Pick(["absent", "object"]);
        string Value() => odd ? Pick(MetadataValues) : "\"v\"";
        return shape switch
        {
            "absent" => null,
            "object" => $"\"__metadata__\":{{\"format\":{Value()},\"k\":{Value()}}}",
            "array" => "\"__metadata__\":[\"format\",\"pt\"]",
            "null" => "\"__metadata__\":null",
            "string" => "\"__metadata__\":\"pt\"",
            "number" => "\"__metadata__\":1e400",
            "nested" => "\"__metadata__\":{\"a\":{\"b\":{\"c\":\"d\"}}}",
            _ => "\"__metadata__\":{\"k\":\"a\",\"k\":\"b\"}",
        };
    }

    private T Pick<T>(T[] options) => options[_random.Next(options.Length)];

    private static void ClearNaNPayloadsIn(byte[] data)
    {
        for (int i = 7; i < data.Length; i += 8)
        {
            data[i] &= 0x3F;
        }
    }
}
