using System.Buffers.Binary;
using System.Text;

namespace BatchNormSharp.Tests.Helpers;

/// <summary>Builds safetensors files byte by byte, valid or deliberately damaged.</summary>
internal static class SafeTensorsFiles
{
    /// <summary>An 8-byte little-endian length, the header text, then <paramref name="data"/>.</summary>
    public static byte[] Build(string headerJson, byte[] data) =>
        Build(Encoding.UTF8.GetBytes(headerJson), data);

    /// <summary>An 8-byte little-endian length, the header bytes, then <paramref name="data"/>.</summary>
    public static byte[] Build(byte[] header, byte[] data)
    {
        var file = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)header.Length);
        header.CopyTo(file, 8);
        data.CopyTo(file, 8 + header.Length);
        return file;
    }

    /// <summary>The little-endian bytes of doubles.</summary>
    public static byte[] Doubles(params double[] values)
    {
        var bytes = new byte[8 * values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(8 * i), values[i]);
        }
        return bytes;
    }

    /// <summary>The bytes a state dictionary is written as.</summary>
    public static byte[] ToBytes(StateDictionary state)
    {
        using var stream = new MemoryStream();
        SafeTensors.Write(state, stream);
        return stream.ToArray();
    }

    /// <summary>The JSON header of a file.</summary>
    public static string HeaderOf(byte[] file)
    {
        int length = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(file));
        return Encoding.UTF8.GetString(file, 8, length);
    }
}
