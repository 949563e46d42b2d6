namespace BatchNormSharp;

/// <summary>The element types this library reads from and writes to safetensors files, with their header names.</summary>
internal enum SafeTensorsDType
{
    /// <summary><c>F64</c>: IEEE double, little-endian. Written for every float entry.</summary>
    F64,

    /// <summary><c>F32</c>: IEEE single, little-endian. Read only, widened to double (exactly).</summary>
    F32,

    /// <summary><c>I64</c>: signed 64-bit integer, little-endian. Written for integer entries such as
    /// <c>num_batches_tracked</c>.</summary>
    I64,
}

/// <summary>Header names and element sizes of <see cref="SafeTensorsDType"/>.</summary>
internal static class SafeTensorsDTypes
{
    /// <summary>The dtype names the reader accepts, for error messages.</summary>
    public const string Supported = "F64, F32, I64";

    /// <summary>The number of bytes one element takes.</summary>
    public static int Size(this SafeTensorsDType dtype) => dtype == SafeTensorsDType.F32 ? 4 : 8;

    /// <summary>The name the header uses, e.g. <c>F64</c>.</summary>
    public static string HeaderName(this SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.F64 => "F64",
        SafeTensorsDType.F32 => "F32",
        _ => "I64",
    };

    /// <summary>Maps a header name to a dtype; compares exactly, as the format's names are upper-case.</summary>
    public static bool TryParse(string? name, out SafeTensorsDType dtype)
    {
        switch (name)
        {
            case "F64": dtype = SafeTensorsDType.F64; return true;
            case "F32": dtype = SafeTensorsDType.F32; return true;
            case "I64": dtype = SafeTensorsDType.I64; return true;
            default: dtype = default; return false;
        }
    }
}
