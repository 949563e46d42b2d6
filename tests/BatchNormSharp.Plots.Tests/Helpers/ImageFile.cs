using System.Buffers.Binary;
using System.Xml.Linq;

namespace BatchNormSharp.Plots.Tests.Helpers;

/// <summary>Reads just enough of a picture to say whether it is a valid PNG or SVG, and its size.</summary>
internal static class ImageFile
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The width and height in the IHDR chunk of a PNG file, after checking the signature, that IHDR
    /// comes first with its 13-byte length, and that the file ends with an IEND chunk.</summary>
    public static (int Width, int Height) PngSize(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        bytes.Length.Should().BeGreaterThan(33, "a PNG holds at least a signature and an IHDR chunk");
        bytes.AsSpan(0, 8).ToArray().Should().Equal(PngSignature, "a PNG starts with its 8-byte signature");
        BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(8)).Should().Be(13u, "IHDR's data is 13 bytes long");
        System.Text.Encoding.ASCII.GetString(bytes, 12, 4).Should().Be("IHDR", "IHDR must be the first chunk");
        System.Text.Encoding.ASCII.GetString(bytes, bytes.Length - 8, 4).Should().Be("IEND", "a PNG ends with IEND");
        return ((int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(16)),
            (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(20)));
    }

    /// <summary>The width and height declared on the root of an SVG file, after checking that it parses as XML with an
    /// <c>svg</c> root in the SVG namespace.</summary>
    public static (int Width, int Height) SvgSize(string path)
    {
        var document = XDocument.Load(path);
        var root = document.Root!;
        root.Name.LocalName.Should().Be("svg");
        root.Name.NamespaceName.Should().Be("http://www.w3.org/2000/svg");
        return (int.Parse((string)root.Attribute("width")!, System.Globalization.CultureInfo.InvariantCulture),
            int.Parse((string)root.Attribute("height")!, System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Asserts that <paramref name="path"/> is a valid picture of the format its extension names and of
    /// exactly the given size.</summary>
    public static void ShouldBeImage(string path, int width, int height)
    {
        File.Exists(path).Should().BeTrue($"{path} should have been written");
        var size = Path.GetExtension(path).Equals(".svg", StringComparison.OrdinalIgnoreCase) ? SvgSize(path) : PngSize(path);
        size.Should().Be((width, height));
    }
}
