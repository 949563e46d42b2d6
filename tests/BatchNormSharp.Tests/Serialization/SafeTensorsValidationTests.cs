using System.Buffers.Binary;
using System.Text;
using BatchNormSharp.Tests.Helpers;

namespace BatchNormSharp.Tests.Serialization;

/// <summary>Damaged and hostile files: each must end in an InvalidDataException that says what is wrong.</summary>
public class SafeTensorsValidationTests
{
    private static readonly byte[] TwoDoubles = SafeTensorsFiles.Doubles(1.0, 2.0);

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public void Read_FileShorterThanLengthPrefix_Throws(int length)
    {
        ExpectDamage(new byte[length], "*fewer than the 8*");
    }

    [Fact]
    public void Read_TruncatedDataSection_Throws()
    {
        var file = Valid();

        ExpectDamage(file[..^3], "*data_offsets*outside the data section*");
    }

    [Fact]
    public void Read_TruncatedHeader_Throws()
    {
        var file = Valid();
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);

        ExpectDamage(file[..(8 + (headerLength / 2))], "*header length*");
    }

    [Theory]
    [InlineData(ulong.MaxValue)]
    [InlineData(1UL << 40)]
    [InlineData(100_000_001UL)]
    public void Read_AbsurdHeaderLength_ThrowsWithoutAllocatingIt(ulong length)
    {
        var file = Valid();
        BinaryPrimitives.WriteUInt64LittleEndian(file, length);

        ExpectDamage(file, "*header length*");
    }

    [Fact]
    public void Read_HeaderNotJson_Throws()
    {
        ExpectDamage(SafeTensorsFiles.Build("{\"w\": [", TwoDoubles), "*not valid JSON*");
    }

    [Fact]
    public void Read_HeaderNotAnObject_Throws()
    {
        ExpectDamage(SafeTensorsFiles.Build("[1, 2]", []), "*must be a JSON object*Array*");
    }

    [Fact]
    public void Read_InvalidUtf8InHeader_Throws()
    {
        byte[] header = [.. "{\""u8, 0xFF, 0xFE, .. "\":{}}"u8];

        ExpectDamage(SafeTensorsFiles.Build(header, []), "*");
    }

    [Theory]
    [InlineData("F16")]
    [InlineData("BF16")]
    [InlineData("f64")]
    [InlineData("System.Double")]
    public void Read_UnknownDtype_ThrowsNamingIt(string dtype)
    {
        string header = $$$"""{"w":{"dtype":"{{{dtype}}}","shape":[2],"data_offsets":[0,16]}}""";

        ExpectDamage(SafeTensorsFiles.Build(header, TwoDoubles), $"*dtype '{dtype}'*supported: F64, F32, I64*");
    }

    [Fact]
    public void Read_ShapeDisagreesWithByteRange_Throws()
    {
        string header = """{"w":{"dtype":"F64","shape":[1],"data_offsets":[0,16]}}""";

        ExpectDamage(SafeTensorsFiles.Build(header, TwoDoubles), "*shape [1] needs 8 bytes*span 16*");
    }

    [Fact]
    public void Read_HugeShape_ThrowsBeforeAllocating()
    {
        string header = """{"w":{"dtype":"F64","shape":[2147483647,2147483647,2147483647],"data_offsets":[0,16]}}""";

        ExpectDamage(SafeTensorsFiles.Build(header, TwoDoubles), "*more F64 values than the data section*");
    }

    [Theory]
    [InlineData("[0,24]")]
    [InlineData("[16,8]")]
    [InlineData("[0,9223372036854775807]")]
    public void Read_OffsetsOutsideDataSection_Throw(string offsets)
    {
        string header = $$$"""{"w":{"dtype":"F64","shape":[2],"data_offsets":{{{offsets}}}}}""";

        ExpectDamage(SafeTensorsFiles.Build(header, TwoDoubles), "*outside the data section*");
    }

    [Theory]
    [InlineData("[-8,8]")]
    [InlineData("[0.5,8]")]
    [InlineData("[\"0\",8]")]
    public void Read_OffsetsNotWholeNumbers_Throw(string offsets)
    {
        string header = $$$"""{"w":{"dtype":"F64","shape":[1],"data_offsets":{{{offsets}}}}}""";

        ExpectDamage(SafeTensorsFiles.Build(header, TwoDoubles), "*offset*");
    }

    [Fact]
    public void Read_OverlappingTensors_Throw()
    {
        string header = """
            {"a":{"dtype":"F64","shape":[2],"data_offsets":[0,16]},"b":{"dtype":"F64","shape":[1],"data_offsets":[8,16]}}
            """;

        ExpectDamage(SafeTensorsFiles.Build(header, TwoDoubles), "*overlaps*");
    }

    [Fact]
    public void Read_GapBetweenTensors_Throws()
    {
        string header = """{"a":{"dtype":"F64","shape":[1],"data_offsets":[8,16]}}""";

        ExpectDamage(SafeTensorsFiles.Build(header, TwoDoubles), "*gap*");
    }

    [Fact]
    public void Read_TrailingBytesAfterLastTensor_Throw()
    {
        string header = """{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}""";

        ExpectDamage(SafeTensorsFiles.Build(header, TwoDoubles), "*cover 8 bytes*has 16*");
    }

    [Theory]
    [InlineData("[-1]")]
    [InlineData("[2.0]")]
    [InlineData("[4294967298]")]
    [InlineData("2")]
    public void Read_BadShape_Throws(string shape)
    {
        string header = $$$"""{"w":{"dtype":"F64","shape":{{{shape}}},"data_offsets":[0,16]}}""";

        ExpectDamage(SafeTensorsFiles.Build(header, TwoDoubles), "*shape*");
    }

    [Fact]
    public void Read_DuplicateTensorName_Throws()
    {
        string header = """
            {"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"a":{"dtype":"F64","shape":[1],"data_offsets":[8,16]}}
            """;

        ExpectDamage(SafeTensorsFiles.Build(header, TwoDoubles), "*names 'a' twice*");
    }

    [Fact]
    public void Read_UnexpectedField_Throws()
    {
        string header = """{"w":{"dtype":"F64","shape":[2],"data_offsets":[0,16],"$type":"System.IO.File"}}""";

        ExpectDamage(SafeTensorsFiles.Build(header, TwoDoubles), "*unexpected or repeated field '$type'*");
    }

    [Fact]
    public void Read_MissingField_Throws()
    {
        string header = """{"w":{"dtype":"F64","data_offsets":[0,16]}}""";

        ExpectDamage(SafeTensorsFiles.Build(header, TwoDoubles), "*needs an array field 'shape'*");
    }

    [Fact]
    public void Read_MetadataWithNonStringValue_Throws()
    {
        string header = """{"__metadata__":{"epochs":5},"w":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}}""";

        ExpectDamage(SafeTensorsFiles.Build(header, TwoDoubles), "*metadata value 'epochs' must be a string*");
    }

    [Fact]
    public void Read_EmptyTensorName_Throws()
    {
        string header = """{"":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}}""";

        ExpectDamage(SafeTensorsFiles.Build(header, TwoDoubles), "*empty name*");
    }

    [Fact]
    public void Read_DeeplyNestedHeader_Throws()
    {
        string header = "{\"w\":" + new string('[', 10_000) + new string(']', 10_000) + "}";

        ExpectDamage(SafeTensorsFiles.Build(header, []), "*not valid JSON*");
    }

    [Fact]
    public void Read_Int64BeyondExactDoubleRange_Throws()
    {
        var data = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(data, long.MaxValue);
        string header = """{"n":{"dtype":"I64","shape":[],"data_offsets":[0,8]}}""";

        ExpectDamage(SafeTensorsFiles.Build(header, data), "*I64 tensor 'n'*2^53*");
    }

    [Fact]
    public void Load_DamagedFileOnDisk_ThrowsInvalidData()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("broken.safetensors");
        File.WriteAllBytes(path, Encoding.UTF8.GetBytes("not a model"));

        var act = () => SafeTensors.Load(path);

        act.Should().Throw<InvalidDataException>().WithMessage("Not a valid safetensors file: *");
    }

    private static byte[] Valid()
    {
        var state = new StateDictionary();
        state.Add("w", Tensor.FromArray([1.0, 2.0]));
        return SafeTensorsFiles.ToBytes(state);
    }

    private static void ExpectDamage(byte[] file, string messagePattern)
    {
        var act = () => SafeTensors.Read(file);

        act.Should().Throw<InvalidDataException>().WithMessage("Not a valid safetensors file: *")
            .And.Message.Should().Match(messagePattern);
    }
}
