using System.Diagnostics;
using BatchNormSharp.Tests.Helpers;

namespace BatchNormSharp.Tests.Serialization;

/// <summary>
/// <see cref="SafeTensors.Load"/> on what is not a regular safetensors file: refused with the documented
/// <see cref="InvalidDataException"/> before anything is read, never hanging and never reading without bound (issue 13,
/// item 3).
/// </summary>
public class SafeTensorsFileTests
{
    // A watchdog, not a timing: a refused special file returns at once; one that is read blocks forever.
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(20);

    [Fact]
    public void Load_ADirectory_ThrowsInvalidDataSayingItIsADirectory()
    {
        using var folder = new TemporaryFolder();

        var act = () => SafeTensors.Load(folder.Path);

        act.Should().Throw<InvalidDataException>()
            .WithMessage("Cannot load '*' as a safetensors file: it is a directory. Nothing was read.*");
    }

    [Fact]
    public void Load_DevZero_ThrowsInvalidDataBeforeReading()
    {
        if (!File.Exists("/dev/zero"))
        {
            return; // no such device on this system
        }
        long before = GC.GetAllocatedBytesForCurrentThread();

        var act = () => SafeTensors.Load("/dev/zero");

        act.Should().Throw<InvalidDataException>()
            .WithMessage("Cannot load '/dev/zero' as a safetensors file: the file system reports 0 bytes*FIFO, device*");
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(1 << 20, "nothing may be read (was 4 GiB)");
    }

    [Fact]
    public void Load_AFifoWithNoWriter_ThrowsInvalidDataInsteadOfBlocking()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        using var folder = new TemporaryFolder();
        string fifo = folder.File("model.safetensors");
        using (var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [fifo]) { UseShellExecute = false })!)
        {
            mkfifo.WaitForExit();
            mkfifo.ExitCode.Should().Be(0);
        }
        Exception? thrown = null;
        var reader = new Thread(() =>
        {
            try
            {
                SafeTensors.Load(fifo);
            }
            catch (Exception exception) // asserted below; nothing may escape the thread
            {
                thrown = exception;
            }
        }) { IsBackground = true };

        reader.Start();
        bool finished = reader.Join(HangLimit);
        if (!finished)
        {
            // Unblock the reader (an open for writing releases its open) before failing.
            using var writer = new FileStream(fifo, FileMode.Open, FileAccess.Write);
        }

        finished.Should().BeTrue("loading a FIFO must not block");
        thrown.Should().BeOfType<InvalidDataException>().Which.Message.Should().Match("*reports 0 bytes*FIFO*");
    }

    [Fact]
    public void Load_AMissingFile_ThrowsFileNotFound()
    {
        using var folder = new TemporaryFolder();

        var act = () => SafeTensors.Load(folder.File("absent.safetensors"));

        act.Should().Throw<FileNotFoundException>().WithMessage("There is no file '*absent.safetensors' to load.");
    }

    [Theory]
    [InlineData("""{"w":{"dtype":"F64","shape":[2147483647,0],"data_offsets":[0,0]}}""")]
    [InlineData("""{"w":{"dtype":"F64","shape":[0,2147483647],"data_offsets":[0,0]}}""")]
    [InlineData("""{"w":{"dtype":"I64","shape":[2147483647,2147483647,0],"data_offsets":[0,0]}}""")]
    public void Read_AZeroDimensionBesideOneNoArrayCanHold_ThrowsInvalidData(string header)
    {
        // Before: the byte-size check saw 0 bytes and let the shape reach Tensor.Zeros, whose ArgumentException escaped.
        byte[] file = SafeTensorsFiles.Build(header, []);

        var act = () => SafeTensors.Read(file);

        act.Should().Throw<InvalidDataException>()
            .WithMessage("Not a valid safetensors file: tensor 'w' has shape [*], with more elements, or a dimension " +
                         "larger, than an array can hold (2147483591).");
    }

    [Fact]
    public void Load_AZeroDimensionBesideOneNoArrayCanHold_FromDisk_ThrowsInvalidData()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("empty.safetensors");
        File.WriteAllBytes(path,
            SafeTensorsFiles.Build("""{"w":{"dtype":"F64","shape":[2147483647,0],"data_offsets":[0,0]}}""", []));

        var act = () => SafeTensors.Load(path);

        act.Should().Throw<InvalidDataException>().WithMessage("*than an array can hold*");
    }

    [Fact]
    public void Read_AZeroDimensionBesideTheLargestArrayDimension_LoadsAnEmptyTensor()
    {
        byte[] file = SafeTensorsFiles.Build("""{"w":{"dtype":"F64","shape":[2147483591,0],"data_offsets":[0,0]}}""", []);

        SafeTensors.Read(file)["w"].Shape.ToArray().Should().Equal(2147483591, 0);
    }

    [Fact]
    public void Load_LargeModelSpanningManyReadChunks_RoundTripsBitForBit()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("large.safetensors");
        var random = new Random(7);
        var state = new StateDictionary();
        state.Add("a", Tensor.FromSpan(Enumerable.Range(0, 30_001).Select(_ => random.NextDouble() - 0.5).ToArray(), 30_001));
        state.Add("n", Tensor.Full(12.0), isInteger: true);
        state.Add("b", Tensor.FromSpan(Enumerable.Range(0, 9_000).Select(_ => random.NextDouble()).ToArray(), 90, 100));
        SafeTensors.Save(state, path);

        var loaded = SafeTensors.Load(path);

        loaded.Keys.Should().Equal("a", "n", "b");
        foreach (var (name, tensor) in state)
        {
            loaded[name].AsReadOnlySpan().ToArray().Should().Equal(tensor.AsReadOnlySpan().ToArray());
        }
        loaded.IsInteger("n").Should().BeTrue();
    }

    [Fact]
    public void Load_F32FileFromDisk_WidensExactly()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("f32.safetensors");
        byte[] data = new byte[4 * 3];
        BitConverter.TryWriteBytes(data.AsSpan(0), 1.5f);
        BitConverter.TryWriteBytes(data.AsSpan(4), -0.1f);
        BitConverter.TryWriteBytes(data.AsSpan(8), 3f);
        File.WriteAllBytes(path, SafeTensorsFiles.Build("""{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}}""", data));

        SafeTensors.Load(path)["w"].AsReadOnlySpan().ToArray().Should().Equal(1.5, (double)-0.1f, 3.0);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(20)]
    [InlineData(100)]
    public void Load_ATruncatedFileFromDisk_ThrowsInvalidData(int keep)
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("cut.safetensors");
        byte[] file = SafeTensorsFiles.ToBytes(TrainingData.IrisModel(seed: 1).StateDict());
        File.WriteAllBytes(path, file[..keep]);

        var act = () => SafeTensors.Load(path);

        act.Should().Throw<InvalidDataException>();
    }

    [Fact]
    public void Load_AHeaderLengthBeyondTheFile_ThrowsInvalidDataWithoutReadingIt()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("long.safetensors");
        byte[] file = SafeTensorsFiles.ToBytes(TrainingData.IrisModel(seed: 1).StateDict());
        file[7] = 0x01; // a header length of 2^56 and more
        File.WriteAllBytes(path, file);
        long before = GC.GetAllocatedBytesForCurrentThread();

        var act = () => SafeTensors.Load(path);

        act.Should().Throw<InvalidDataException>().WithMessage("Not a valid safetensors file: the header length is *");
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(1 << 20, "the header is not read");
    }
}
