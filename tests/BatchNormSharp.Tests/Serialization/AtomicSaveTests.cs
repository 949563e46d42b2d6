using BatchNormSharp.Tests.Helpers;

namespace BatchNormSharp.Tests.Serialization;

public class AtomicSaveTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(200)]
    [InlineData(1000)]
    public void Save_WriteFailsPartWay_LeavesThePreviousFileIntactAndNoTemporaryFile(long failAfterBytes)
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");
        SafeTensors.Save(TrainingData.IrisModel(seed: 1).StateDict(), path);
        byte[] good = File.ReadAllBytes(path);

        var act = () => SafeTensors.Save(TrainingData.IrisModel(seed: 2).StateDict(), path,
            stream => new FailingStream(stream, failAfterBytes));

        act.Should().Throw<IOException>().WithMessage("Simulated failure*");
        File.ReadAllBytes(path).Should().Equal(good);
        Directory.GetFiles(folder.Path).Should().Equal(path);
    }

    [Fact]
    public void Save_StateRefusedAfterTheTemporaryFileExists_LeavesThePreviousFileIntactAndNoTemporaryFile()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");
        SafeTensors.Save(TrainingData.IrisModel(seed: 1).StateDict(), path);
        byte[] good = File.ReadAllBytes(path);
        var state = TrainingData.IrisModel(seed: 2).StateDict();
        state["1.num_batches_tracked"].AsSpan()[0] = 0.5; // changed after it was added: no longer an integer

        var act = () => SafeTensors.Save(state, path);

        act.Should().Throw<ArgumentException>().WithMessage("*'1.num_batches_tracked' must hold whole numbers*");
        File.ReadAllBytes(path).Should().Equal(good);
        Directory.GetFiles(folder.Path).Should().Equal(path);
    }

    [Fact]
    public void Save_WriteFailsWithNoPreviousFile_LeavesNothing()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");

        var act = () => SafeTensors.Save(TrainingData.IrisModel(seed: 2).StateDict(), path,
            stream => new FailingStream(stream, 100));

        act.Should().Throw<IOException>();
        Directory.GetFiles(folder.Path).Should().BeEmpty();
    }

    [Fact]
    public void Save_OverExistingFile_ReplacesIt()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");
        SafeTensors.Save(TrainingData.IrisModel(seed: 1).StateDict(), path);
        var second = TrainingData.IrisModel(seed: 2);

        SafeTensors.Save(second.StateDict(), path);

        var fresh = TrainingData.IrisModel(seed: 3);
        fresh.LoadStateDict(SafeTensors.Load(path));
        TrainingData.AllValues(fresh).Should().Equal(TrainingData.AllValues(second));
        Directory.GetFiles(folder.Path).Should().Equal(path);
    }

    [Fact]
    public void Save_IntoMissingFolder_ThrowsIOException()
    {
        using var folder = new TemporaryFolder();

        var act = () => SafeTensors.Save(new StateDictionary(), folder.File("no/such/folder/model.safetensors"));

        act.Should().Throw<IOException>();
    }
}
