using System.Buffers.Binary;
using System.Text.Json;
using BatchNormSharp.Tests.Helpers;

namespace BatchNormSharp.Tests.Serialization;

public class SafeTensorsTests
{
    [Fact]
    public void SaveThenLoad_TrainedModel_RoundTripsEveryValueBitExact()
    {
        var model = TrainingData.IrisModel(seed: 5);
        model.Forward(TrainingData.RandomInputs(8, 4, seed: 1), ForwardMode.Training);
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");

        SafeTensors.Save(model.StateDict(), path);
        var fresh = TrainingData.IrisModel(seed: 6);
        fresh.LoadStateDict(SafeTensors.Load(path));

        var expected = TrainingData.AllValues(model).Select(BitConverter.DoubleToInt64Bits);
        TrainingData.AllValues(fresh).Select(BitConverter.DoubleToInt64Bits).Should().Equal(expected);
    }

    [Fact]
    public void WriteThenRead_SpecialValues_KeepTheirExactBits()
    {
        double[] special = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, double.Epsilon,
            double.MaxValue, 1.0 / 3.0];
        var state = new StateDictionary();
        state.Add("special", Tensor.FromArray(special));
        state.Add("count", Tensor.Full(9007199254740992.0), isInteger: true);
        state.Metadata["note"] = "ünïcödé ✓";

        var loaded = SafeTensors.Read(SafeTensorsFiles.ToBytes(state));

        loaded["special"].ToArray().Select(BitConverter.DoubleToInt64Bits)
            .Should().Equal(special.Select(BitConverter.DoubleToInt64Bits));
        loaded["count"].AsReadOnlySpan()[0].Should().Be(9007199254740992.0);
        loaded.IsInteger("count").Should().BeTrue();
        loaded.Metadata.Should().Contain("note", "ünïcödé ✓");
    }

    [Fact]
    public void Write_ModelState_HeaderHasPyTorchNamesShapesDtypesAndContiguousOffsets()
    {
        var file = SafeTensorsFiles.ToBytes(new Sequential(new Dense(4, 6, seed: 1), new BatchNorm(6)).StateDict());

        using var header = JsonDocument.Parse(SafeTensorsFiles.HeaderOf(file));

        var entries = header.RootElement.EnumerateObject().Where(p => p.Name != "__metadata__").ToList();
        entries.Select(p => p.Name).Should().Equal("0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean",
            "1.running_var", "1.num_batches_tracked");
        Shape(entries[0]).Should().Equal(6, 4);
        Shape(entries[6]).Should().BeEmpty();
        entries[0].Value.GetProperty("dtype").GetString().Should().Be("F64");
        entries[6].Value.GetProperty("dtype").GetString().Should().Be("I64");
        long expectedBegin = 0;
        foreach (var entry in entries)
        {
            var offsets = entry.Value.GetProperty("data_offsets");
            offsets[0].GetInt64().Should().Be(expectedBegin);
            expectedBegin = offsets[1].GetInt64();
        }
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(file);
        (8 + headerLength).Should().Be(file.Length - expectedBegin);
        ((8 + headerLength) % 8).Should().Be(0, "the data section starts 8-byte aligned");
        header.RootElement.GetProperty("__metadata__").GetProperty("format").GetString().Should().Be("pt");
    }

    [Fact]
    public void Read_F32Tensor_IsWidenedExactly()
    {
        var data = new byte[8];
        BinaryPrimitives.WriteSingleLittleEndian(data, 0.1f);
        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4), -2.5f);
        var file = SafeTensorsFiles.Build("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", data);

        var state = SafeTensors.Read(file);

        state["w"].ToArray().Should().Equal((double)0.1f, -2.5);
        state.IsInteger("w").Should().BeFalse();
    }

    [Fact]
    public void Read_TensorsListedOutOfDataOrder_ComeBackInDataOrder()
    {
        var file = SafeTensorsFiles.Build(
            """{"late":{"dtype":"F64","shape":[1],"data_offsets":[8,16]},"early":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}""",
            SafeTensorsFiles.Doubles(1.0, 2.0));

        var state = SafeTensors.Read(file);

        state.Keys.Should().Equal("early", "late");
        state["late"][0].Should().Be(2.0);
    }

    [Fact]
    public void WriteThenRead_EmptyDictionaryAndEmptyTensor_RoundTrip()
    {
        var empty = SafeTensors.Read(SafeTensorsFiles.ToBytes(new StateDictionary()));
        var withEmptyTensor = new StateDictionary();
        withEmptyTensor.Add("none", Tensor.Zeros(0, 3));

        var loaded = SafeTensors.Read(SafeTensorsFiles.ToBytes(withEmptyTensor));

        empty.Count.Should().Be(0);
        loaded["none"].Shape.ToArray().Should().Equal(0, 3);
    }

    [Fact]
    public void Write_IntegerEntryChangedToAFractionAfterAdding_ThrowsBeforeWritingAnything()
    {
        var state = new StateDictionary();
        var count = Tensor.Full(3.0);
        state.Add("count", count, isInteger: true);
        count.AsSpan()[0] = 3.5;
        using var stream = new MemoryStream();

        var act = () => SafeTensors.Write(state, stream);

        act.Should().Throw<ArgumentException>().WithMessage("*'count'*whole numbers*");
        stream.Length.Should().Be(0);
    }

    private static int[] Shape(JsonProperty entry) =>
        [.. entry.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32())];
}
