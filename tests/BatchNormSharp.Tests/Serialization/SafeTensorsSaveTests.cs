using BatchNormSharp.Tests.Helpers;

namespace BatchNormSharp.Tests.Serialization;

/// <summary>
/// What a save keeps and refuses: the target's permission bits, names up to the file system's limit, and no state that
/// <see cref="SafeTensors.Load"/> would refuse (issue 13, item 6).
/// </summary>
public class SafeTensorsSaveTests
{
    [Theory]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite |
                UnixFileMode.OtherRead | UnixFileMode.OtherWrite)]
    public void Save_OverAFileWithItsOwnPermissions_KeepsThem(UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        using var folder = new TemporaryFolder();
        string path = folder.File("secret.safetensors");
        SafeTensors.Save(TrainingData.IrisModel(seed: 1).StateDict(), path);
        File.SetUnixFileMode(path, mode);

        SafeTensors.Save(TrainingData.IrisModel(seed: 2).StateDict(), path);

        File.GetUnixFileMode(path).Should().Be(mode);
        SafeTensors.Load(path)["0.weight"].AsReadOnlySpan().ToArray()
            .Should().Equal(TrainingData.IrisModel(seed: 2).StateDict()["0.weight"].AsReadOnlySpan().ToArray());
    }

    [Fact]
    public void Save_ANewFile_GetsTheDefaultPermissions()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        using var folder = new TemporaryFolder();
        string path = folder.File("new.safetensors");
        string reference = folder.File("reference");
        File.WriteAllBytes(reference, []);

        SafeTensors.Save(TrainingData.IrisModel(seed: 1).StateDict(), path);

        File.GetUnixFileMode(path).Should().Be(File.GetUnixFileMode(reference));
    }

    [Theory]
    [InlineData(237)]
    [InlineData(238)]
    [InlineData(250)]
    [InlineData(255)]
    public void Save_ANameOfUpTo255Bytes_Saves(int nameBytes)
    {
        using var folder = new TemporaryFolder();
        string name = new string('m', nameBytes - ".safetensors".Length) + ".safetensors";
        string path = folder.File(name);

        SafeTensors.Save(TrainingData.IrisModel(seed: 1).StateDict(), path);
        SafeTensors.Save(TrainingData.IrisModel(seed: 2).StateDict(), path); // over an existing file as well

        SafeTensors.Load(path).Count.Should().Be(TrainingData.IrisModel(seed: 1).StateDict().Count);
        Directory.GetFiles(folder.Path).Should().Equal(path);
    }

    [Fact]
    public void Save_ANullMetadataValue_ThrowsArgumentExceptionAndLeavesTheTargetUntouched()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");
        SafeTensors.Save(TrainingData.IrisModel(seed: 1).StateDict(), path);
        byte[] good = File.ReadAllBytes(path);
        var state = TrainingData.IrisModel(seed: 2).StateDict();
        state.Metadata["note"] = null!;

        var act = () => SafeTensors.Save(state, path);

        act.Should().Throw<ArgumentException>()
            .WithMessage("Metadata value 'note' must be a string, but is null, which SafeTensors.Load refuses*");
        File.ReadAllBytes(path).Should().Equal(good);
        Directory.GetFiles(folder.Path).Should().Equal(path);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Save_MetadataWithALoneSurrogate_ThrowsArgumentExceptionAndWritesNothing(bool inKey)
    {
        // Built here: a lone surrogate in an attribute argument does not survive compilation.
        string lone = new(['x', (char)0xD800]);
        var (key, value) = inKey ? (lone, "value") : ("key", lone);
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");
        var state = TrainingData.IrisModel(seed: 2).StateDict();
        state.Metadata[key] = value;

        var act = () => SafeTensors.Save(state, path);

        act.Should().Throw<ArgumentException>().WithMessage("*lone UTF-16 surrogate*nothing was written*");
        Directory.GetFiles(folder.Path).Should().BeEmpty();
    }

    [Fact]
    public void Write_AnEntryNameWithALoneSurrogate_ThrowsArgumentExceptionAndWritesNothing()
    {
        var state = new StateDictionary();
        state.Add(new string(['w', (char)0xDC00]), Tensor.Zeros(2));
        using var stream = new MemoryStream();

        var act = () => SafeTensors.Write(state, stream);

        act.Should().Throw<ArgumentException>().WithMessage("Entry name*lone UTF-16 surrogate*");
        stream.Length.Should().Be(0);
    }

    [Fact]
    public void Save_EveryMetadataValueThatSaves_LoadsBack()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");
        var state = TrainingData.IrisModel(seed: 2).StateDict();
        state.Metadata["empty"] = "";
        state.Metadata["quote"] = "\"}{\\";
        state.Metadata["emoji \ud83d\ude00"] = "\u0000 nul and \ud83d\ude00";

        SafeTensors.Save(state, path);

        SafeTensors.Load(path).Metadata.Should().Equal(state.Metadata);
    }
}
