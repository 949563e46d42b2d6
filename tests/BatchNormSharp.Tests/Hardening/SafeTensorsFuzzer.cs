using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using BatchNormSharp.Tests.Helpers;

namespace BatchNormSharp.Tests.Hardening;

/// <summary>
/// Generates damaged and hostile safetensors files from a seed: byte-level damage to valid files (truncations, bit
/// flips, splices, random bytes) and header-level damage that a byte flip rarely reaches (absurd header lengths,
/// offsets, shapes and dtypes, duplicate names, non-object JSON, deep nesting, invalid UTF-8).
/// </summary>
internal sealed class SafeTensorsFuzzer
{
    private static readonly string[] AbsurdNumbers =
    [
        "-1", "-0", "0.5", "1e308", "-1e308", "1E3", "2147483647", "2147483648", "4294967296", "4294967297",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "18446744073709551615",
        "18446744073709551616", "99999999999999999999999999999", "NaN", "Infinity", "\"8\"", "null", "[]", "{}",
        "true",
    ];

    private static readonly string[] AbsurdShapes =
    [
        "[2147483647,2147483647,2147483647]", "[-1]", "[-2147483648]", "[65536,65536,65536,65536]",
        "[3037000500,3037000500]", "[4294967296]", "[1,0,2147483647]", "[]", "[0]", "[1.5]", "[\"2\"]", "[[2]]",
        "[null]", "2", "\"[2]\"", "{}", "[268435456,268435456]", "[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]",
    ];

    private static readonly string[] AbsurdOffsets =
    [
        "[0,9223372036854775807]", "[9223372036854775807,9223372036854775807]", "[-8,0]", "[0,-8]", "[16,8]",
        "[0]", "[0,8,16]", "[]", "[0.0,8.0]", "[\"0\",\"8\"]", "[0,18446744073709551615]", "[4611686018427387904,0]",
        "[0,1e3]", "{}", "null",
    ];

    private static readonly string[] AbsurdDtypes =
    [
        "\"F16\"", "\"BF16\"", "\"I32\"", "\"U8\"", "\"BOOL\"", "\"f64\"", "\"F64 \"", "\"\"", "\"F6\"", "\"\\u0000\"",
        "\"I64\\u0000\"", "1", "null", "[]", "{}", "\"" + new string('F', 300) + "\"",
    ];

    private static readonly string[] NonObjectRoots =
        ["[]", "[{}]", "\"x\"", "1", "-0", "null", "true", "false", "", " ", "{", "}", "{\"a\":}", "{}{}", "[1,2"];

    private static readonly byte[][] InvalidUtf8 =
    [
        [0xFF], [0xFE], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0x80], [0xE2, 0x82],
        [0xF4, 0x90, 0x80, 0x80], [0x00],
    ];

    private static readonly byte[] InterestingBytes =
        [0x00, 0xFF, 0x7F, 0x80, (byte)'"', (byte)'{', (byte)'}', (byte)'[', (byte)']', (byte)',', (byte)':',
         (byte)'-', (byte)'9', (byte)'\\', (byte)'e'];

    private readonly Random _random;
    private readonly byte[][] _seeds;

    public SafeTensorsFuzzer(int seed, IReadOnlyList<byte[]> validFiles)
    {
        _random = new Random(seed);
        _seeds = [.. validFiles];
    }

    /// <summary>The kinds of damage, each a function from the fuzzer's random state to a file.</summary>
    public static IReadOnlyList<string> Kinds { get; } =
    [
        "valid", "truncation", "bit flips", "interesting bytes", "splice", "header length", "number in header",
        "shape", "data_offsets", "dtype", "duplicate name", "non-object root", "deep nesting", "invalid UTF-8",
        "random bytes", "large I64", "header garbage", "many entries",
    ];

    /// <summary>The next case: its kind and the bytes of the file.</summary>
    public (string Kind, byte[] File) Next()
    {
        string kind = Kinds[_random.Next(Kinds.Count)];
        byte[] seed = _seeds[_random.Next(_seeds.Length)];
        byte[] file = kind switch
        {
            "valid" => seed,
            "truncation" => seed[.._random.Next(seed.Length)],
            "bit flips" => FlipBits(seed),
            "interesting bytes" => SetBytes(seed),
            "splice" => Splice(seed, _seeds[_random.Next(_seeds.Length)]),
            "header length" => WithHeaderLength(seed),
            "number in header" => ReplaceInHeader(seed, "[0-9]+", Pick(AbsurdNumbers)),
            "shape" => ReplaceInHeader(seed, "\"shape\":\\[[0-9,]*\\]", "\"shape\":" + Pick(AbsurdShapes)),
            "data_offsets" => ReplaceInHeader(seed, "\"data_offsets\":\\[[0-9,]*\\]", "\"data_offsets\":" + Pick(AbsurdOffsets)),
            "dtype" => ReplaceInHeader(seed, "\"dtype\":\"[A-Z0-9]+\"", "\"dtype\":" + Pick(AbsurdDtypes)),
            "duplicate name" => DuplicateName(seed),
            "non-object root" => Rebuild(Encoding.UTF8.GetBytes(Pick(NonObjectRoots)), Data(seed)),
            "deep nesting" => DeepNesting(seed),
            "invalid UTF-8" => InsertIntoHeader(seed, InvalidUtf8[_random.Next(InvalidUtf8.Length)]),
            "random bytes" => RandomBytes(),
            "large I64" => LargeInteger(seed),
            "many entries" => ManyEntries(),
            _ => InsertIntoHeader(seed, Encoding.UTF8.GetBytes(Pick(NonObjectRoots) + Pick(AbsurdNumbers))),
        };
        return (kind, file);
    }

    private string Pick(string[] options) => options[_random.Next(options.Length)];

    private byte[] FlipBits(byte[] seed)
    {
        byte[] file = [.. seed];
        int flips = 1 + _random.Next(8);
        for (int i = 0; i < flips; i++)
        {
            file[_random.Next(file.Length)] ^= (byte)(1 << _random.Next(8));
        }
        return file;
    }

    private byte[] SetBytes(byte[] seed)
    {
        byte[] file = [.. seed];
        int count = 1 + _random.Next(4);
        for (int i = 0; i < count; i++)
        {
            file[_random.Next(file.Length)] = InterestingBytes[_random.Next(InterestingBytes.Length)];
        }
        return file;
    }

    private byte[] Splice(byte[] first, byte[] second) =>
        [.. first.AsSpan(0, _random.Next(first.Length + 1)), .. second.AsSpan(_random.Next(second.Length + 1))];

    private byte[] WithHeaderLength(byte[] seed)
    {
        byte[] file = [.. seed];
        ulong actual = BinaryPrimitives.ReadUInt64LittleEndian(file);
        ulong[] lengths =
        [
            0, 1, 7, actual - 1, actual + 1, (ulong)file.Length - 8, (ulong)file.Length - 7, (ulong)file.Length,
            int.MaxValue, (ulong)int.MaxValue + 1, uint.MaxValue, 1UL << 32, 1UL << 62, 1UL << 63, (1UL << 63) - 1,
            ulong.MaxValue, unchecked((ulong)-2L), 100_000_000, 100_000_001, (ulong)_random.NextInt64(),
        ];
        BinaryPrimitives.WriteUInt64LittleEndian(file, lengths[_random.Next(lengths.Length)]);
        return file;
    }

    /// <summary>Replaces one random match of <paramref name="pattern"/> in the header and rebuilds the file.</summary>
    private byte[] ReplaceInHeader(byte[] seed, string pattern, string replacement)
    {
        string header = SafeTensorsFiles.HeaderOf(seed);
        var matches = System.Text.RegularExpressions.Regex.Matches(header, pattern);
        if (matches.Count == 0)
        {
            return FlipBits(seed); // a seed without such a field (the empty file) gets damaged another way
        }
        var match = matches[_random.Next(matches.Count)];
        string damaged = header[..match.Index] + replacement + header[(match.Index + match.Length)..];
        return Rebuild(Encoding.UTF8.GetBytes(damaged), Data(seed));
    }

    /// <summary>Gives a second entry the name of the first, keeping every byte range valid.</summary>
    private byte[] DuplicateName(byte[] seed)
    {
        string header = SafeTensorsFiles.HeaderOf(seed);
        var names = System.Text.RegularExpressions.Regex.Matches(header, "\"([^\"]+)\":\\{\"dtype\"");
        if (names.Count < 2)
        {
            return FlipBits(seed);
        }
        var first = names[0].Groups[1];
        var other = names[1 + _random.Next(names.Count - 1)].Groups[1];
        string damaged = header[..other.Index] + first.Value + header[(other.Index + other.Length)..];
        return Rebuild(Encoding.UTF8.GetBytes(damaged), Data(seed));
    }

    private byte[] DeepNesting(byte[] seed)
    {
        int depth = 1 + _random.Next(_random.Next(2) == 0 ? 8 : 5000);
        string nested = new string('[', depth) + new string(']', depth);
        string header = SafeTensorsFiles.HeaderOf(seed);
        int where = header.Contains("\"shape\":[", StringComparison.Ordinal) ? _random.Next(3) : _random.Next(2);
        string damaged = where switch
        {
            0 => nested,
            1 => "{\"w\":" + nested + "}",
            _ => header.Replace("\"shape\":[", "\"shape\":[" + nested + ",", StringComparison.Ordinal),
        };
        return Rebuild(Encoding.UTF8.GetBytes(damaged), Data(seed));
    }

    /// <summary>Inserts raw bytes at a random place of the header (often inside a name or a metadata value).</summary>
    private byte[] InsertIntoHeader(byte[] seed, byte[] bytes)
    {
        byte[] header = Header(seed);
        int at = _random.Next(header.Length + 1);
        return Rebuild([.. header.AsSpan(0, at), .. bytes, .. header.AsSpan(at)], Data(seed));
    }

    private byte[] RandomBytes()
    {
        var file = new byte[_random.Next(600)];
        _random.NextBytes(file);
        if (file.Length >= 8 && _random.Next(2) == 0)
        {
            // A plausible header length, so that the JSON parser sees the random bytes.
            BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)_random.Next(file.Length - 7));
        }
        return file;
    }

    /// <summary>Overwrites the last 8 bytes (an I64 count in the seeds that end with one) with a large integer.</summary>
    private byte[] LargeInteger(byte[] seed)
    {
        byte[] file = [.. seed];
        long[] values = [long.MaxValue, long.MinValue, (1L << 53) + 1, -(1L << 53) - 1, -1, _random.NextInt64()];
        if (file.Length >= 16)
        {
            BinaryPrimitives.WriteInt64LittleEndian(file.AsSpan(file.Length - 8), values[_random.Next(values.Length)]);
        }
        return file;
    }

    /// <summary>
    /// A header of up to 1,000 scalar and empty entries, the costliest header per byte (every few dozen bytes make a
    /// tensor), sometimes with one entry damaged.
    /// </summary>
    private byte[] ManyEntries()
    {
        int count = 1 + _random.Next(1000);
        var header = new StringBuilder("{");
        long offset = 0;
        for (int i = 0; i < count; i++)
        {
            bool scalar = _random.Next(2) == 0;
            string shape = scalar ? "[]" : "[0]";
            long end = offset + (scalar ? 8 : 0);
            header.Append(i == 0 ? "" : ",").Append('"').Append(i.ToString(CultureInfo.InvariantCulture))
                .Append("\":{\"dtype\":\"F64\",\"shape\":").Append(shape).Append(",\"data_offsets\":[")
                .Append(offset.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(end.ToString(CultureInfo.InvariantCulture)).Append("]}");
            offset = end;
        }
        header.Append('}');
        byte[] file = Rebuild(Encoding.UTF8.GetBytes(header.ToString()), new byte[offset]);
        return _random.Next(2) == 0 ? file : FlipBits(file);
    }

    private static byte[] Header(byte[] file) =>
        file.AsSpan(8, (int)BinaryPrimitives.ReadUInt64LittleEndian(file)).ToArray();

    private static byte[] Data(byte[] file) => file.AsSpan(8 + Header(file).Length).ToArray();

    private static byte[] Rebuild(byte[] header, byte[] data) => SafeTensorsFiles.Build(header, data);
}
