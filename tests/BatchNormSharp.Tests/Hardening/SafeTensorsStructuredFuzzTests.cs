using BatchNormSharp.Tests.Helpers;

namespace BatchNormSharp.Tests.Hardening;

/// <summary>
/// Structure-aware fuzzing (<see cref="SafeTensorsHeaderGenerator"/>): headers that combine zero and huge dimensions,
/// overflowing products, odd number spellings, overlapping, gapped and backward offsets and metadata of every JSON type.
/// Every file must load or fail with <see cref="InvalidDataException"/>, within its allocation allowance, without
/// hanging — read from memory, and a share of them from disk through <see cref="SafeTensors.Load"/>, which must agree.
/// </summary>
public class SafeTensorsStructuredFuzzTests(ITestOutputHelper output)
{
    private const int Seed = 20_261_130;
    private const int CaseCount = 3_000;

    // Every this many cases is also written to disk and loaded from there.
    private const int DiskEvery = 15;

    // A watchdog, not a timing: the run takes a fraction of a second; a case that loops forever is named.
    private static readonly TimeSpan HangLimit = TimeSpan.FromMinutes(2);

    [Fact]
    public void ReadAndLoad_ThreeThousandStructuredHeaders_LoadOrThrowInvalidDataWithinTheirAllocationAllowance()
    {
        var generator = new SafeTensorsHeaderGenerator(Seed);
        var cases = Enumerable.Range(0, CaseCount).Select(_ => generator.Next()).ToArray();
        var memory = new SafeTensorsFuzzTests.FuzzReport(Seed);
        var disk = new SafeTensorsFuzzTests.FuzzReport(Seed);
        var disagreements = new List<string>();
        using var folder = new TemporaryFolder();
        int current = -1;

        var worker = new Thread(() =>
        {
            for (int i = 0; i < cases.Length; i++)
            {
                Volatile.Write(ref current, i);
                var (kind, file) = cases[i];
                var fromMemory = SafeTensorsFuzzTests.ReadOnce(file);
                memory.Add(kind, file, fromMemory);
                if (i % DiskEvery == 0)
                {
                    string path = folder.File("case.safetensors");
                    File.WriteAllBytes(path, file);
                    var fromDisk = LoadOnce(path);
                    disk.Add(kind, file, fromDisk);
                    if ((fromMemory.Error is null) != (fromDisk.Error is null) && disagreements.Count < 10)
                    {
                        disagreements.Add($"case {i} ({kind}): Read {fromMemory.Error?.GetType().Name ?? "loaded"}, " +
                                          $"Load {fromDisk.Error?.GetType().Name ?? "loaded"}");
                    }
                }
            }
        }) { IsBackground = true };
        worker.Start();
        bool finished = worker.Join(HangLimit);

        int stuck = Volatile.Read(ref current);
        finished.Should().BeTrue($"case {stuck} ({(stuck >= 0 ? cases[stuck].Kind : "none")}) must not hang");
        output.WriteLine("From memory: " + memory.Summary());
        output.WriteLine("From disk: " + disk.Summary());
        memory.Unexpected.Should().BeEmpty("only InvalidDataException is documented for a damaged file");
        disk.Unexpected.Should().BeEmpty("only InvalidDataException is documented for a damaged file");
        memory.OverAllowance.Should().BeEmpty("a read may allocate " + AllocationAllowance.Description);
        disk.OverAllowance.Should().BeEmpty("a load may allocate " + AllocationAllowance.Description);
        disagreements.Should().BeEmpty("loading a file from disk and reading its bytes must agree");
        memory.Count.Should().Be(CaseCount);
        disk.Count.Should().Be(CaseCount / DiskEvery);
        memory.Loaded.Should().BeGreaterThan(CaseCount / 10, "the consistent headers must load");
        memory.Refused.Should().BeGreaterThan(CaseCount / 2);
    }

    [Theory]
    [InlineData("""{"w":{"dtype":"F64","shape":[0,2147483647],"data_offsets":[0,0]}}""")]
    [InlineData("""{"w":{"dtype":"F64","shape":[65536,65536,0],"data_offsets":[0,0]}}""")]
    [InlineData("""{"w":{"dtype":"F64","shape":[65536,65536],"data_offsets":[0,0]}}""")]
    [InlineData("""{"w":{"dtype":"F64","shape":[4294967296,4294967296,0],"data_offsets":[0,0]}}""")]
    [InlineData("""{"w":{"dtype":"F64","shape":[1e400],"data_offsets":[0,0]}}""")]
    [InlineData("""{"w":{"dtype":"F64","shape":[-0],"data_offsets":[0,0]}}""")]
    [InlineData("""{"w":{"dtype":"F64","shape":[1.0],"data_offsets":[0,8]}}""")]
    [InlineData("""{"w":{"dtype":"F64","shape":[1],"data_offsets":[0,8.0]}}""")]
    [InlineData("""{"w":{"dtype":"F64","shape":[1],"data_offsets":[-0,8]}}""")]
    [InlineData("""{"w":{"dtype":"F64","shape":[1],"data_offsets":[8,0]}}""")]
    [InlineData("""{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"b":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}""")]
    [InlineData("""{"__metadata__":{"k":null},"w":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}""")]
    [InlineData("""{"__metadata__":{"k":1e400},"w":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}""")]
    [InlineData("""{"__metadata__":{"k":{}},"w":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}""")]
    [InlineData("""{"__metadata__":[],"w":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}""")]
    public void Read_AHeaderCombiningDimensions_LoadsOrThrowsInvalidData(string header)
    {
        byte[] file = SafeTensorsFiles.Build(header, new byte[8]);

        var outcome = SafeTensorsFuzzTests.ReadOnce(file);

        if (outcome.Error is not null)
        {
            outcome.Error.Should().BeOfType<InvalidDataException>();
        }
    }

    private static SafeTensorsFuzzTests.FuzzOutcome LoadOnce(string path)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        Exception? error = null;
        try
        {
            SafeTensors.Load(path);
        }
        catch (Exception exception) // recorded and asserted on by the test; nothing may escape the worker thread
        {
            error = exception;
        }
        return new SafeTensorsFuzzTests.FuzzOutcome(error, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
