using System.Buffers.Binary;
using System.Globalization;
using BatchNormSharp.Tests.Helpers;

namespace BatchNormSharp.Tests.Hardening;

/// <summary>
/// Seeded fuzzing of <see cref="SafeTensors.Read"/>: every damaged or hostile file must load or fail with the
/// documented <see cref="InvalidDataException"/>, finish, and allocate no more than its own size allows.
/// </summary>
public class SafeTensorsFuzzTests(ITestOutputHelper output)
{
    private const int Seed = 20_260_505;
    private const int CaseCount = 12_000;

    // A watchdog, not a timing: the whole run takes well under a second; a case that loops forever is named.
    private static readonly TimeSpan HangLimit = TimeSpan.FromMinutes(2);

    [Fact]
    public void Read_TwelveThousandSeededDamagedFiles_LoadOrThrowInvalidDataWithinTheirAllocationAllowance()
    {
        var fuzzer = new SafeTensorsFuzzer(Seed, ValidFiles());
        var cases = Enumerable.Range(0, CaseCount).Select(_ => fuzzer.Next()).ToArray();
        var report = new FuzzReport(Seed);
        int current = -1;

        var worker = new Thread(() =>
        {
            for (int i = 0; i < cases.Length; i++)
            {
                Volatile.Write(ref current, i);
                report.Add(cases[i].Kind, cases[i].File, Run(cases[i].File));
            }
        }) { IsBackground = true };
        worker.Start();
        bool finished = worker.Join(HangLimit);

        int stuck = Volatile.Read(ref current);
        finished.Should().BeTrue($"case {stuck} ({(stuck >= 0 ? cases[stuck].Kind : "none")}) must not hang");
        output.WriteLine(report.Summary());
        report.Unexpected.Should().BeEmpty("only InvalidDataException is documented for a damaged file");
        report.OverAllowance.Should().BeEmpty("a load may allocate " + AllocationAllowance.Description);
        report.Count.Should().Be(CaseCount);
        report.Loaded.Should().BeGreaterThan(0, "the valid seeds (and harmless damage) must load");
        report.Refused.Should().BeGreaterThan(CaseCount / 2);
    }

    [Fact]
    public void Read_ModelFileOfF64Values_AllocatesLittleMoreThanTheFile()
    {
        var random = new Random(5);
        var model = new Sequential(new Dense(64, 256, random), new BatchNorm(256), new ReLU(), new Dense(256, 10, random));
        byte[] file = SafeTensorsFiles.ToBytes(model.StateDict());
        SafeTensors.Read(file); // warm: the first call also loads and compiles the reader

        var outcome = ReadOnce(file);

        outcome.Error.Should().BeNull();
        outcome.AllocatedBytes.Should().BeLessThan(file.Length + (16 * 1024),
            "an F64 file becomes doubles of the same size plus a few objects per entry");
    }

    [Fact]
    public void Read_F32File_AllocatesAtMostTwiceTheFile()
    {
        const int values = 100_000;
        byte[] file = SafeTensorsFiles.Build(
            $$$"""{"w":{"dtype":"F32","shape":[{{{values}}}],"data_offsets":[0,{{{4 * values}}}]}}""", new byte[4 * values]);
        SafeTensors.Read(file);

        var outcome = ReadOnce(file);

        outcome.Error.Should().BeNull();
        outcome.AllocatedBytes.Should().BeLessThan((2L * file.Length) + (16 * 1024), "an F32 value widens to 8 bytes");
        outcome.AllocatedBytes.Should().BeGreaterThan(2L * 4 * values, "the widened values are what is allocated");
    }

    /// <summary>Reads one file on this thread and measures what that allocated.</summary>
    private static FuzzOutcome Run(byte[] file) => ReadOnce(file);

    internal static FuzzOutcome ReadOnce(byte[] file)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        Exception? error = null;
        try
        {
            SafeTensors.Read(file);
        }
        catch (Exception exception) // recorded and asserted on by the test; nothing may escape the worker thread
        {
            error = exception;
        }
        return new FuzzOutcome(error, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>Valid files to damage: a model (F64, I64, metadata), an optimizer state, F32, a scalar and empty tensors, and an empty file.</summary>
    internal static IReadOnlyList<byte[]> ValidFiles()
    {
        var model = TrainingData.IrisModel(seed: 3);
        var optimizer = new SgdMomentum(model.Parameters, 0.1, 0.9);
        var f32 = new byte[4 * 40];
        for (int i = 0; i < 40; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(f32.AsSpan(4 * i), i * 0.25f);
        }
        var scalarAndEmpty = new StateDictionary();
        scalarAndEmpty.Add("e", Tensor.Zeros(0, 3));
        scalarAndEmpty.Add("s", Tensor.Full(2.5));
        scalarAndEmpty.Add("n", Tensor.Full(7.0), isInteger: true);
        return
        [
            SafeTensorsFiles.ToBytes(model.StateDict()),
            SafeTensorsFiles.ToBytes(optimizer.StateDict(model)),
            SafeTensorsFiles.Build(
                """{"w":{"dtype":"F32","shape":[4,8],"data_offsets":[0,128]},"b":{"dtype":"F32","shape":[8],"data_offsets":[128,160]}}""",
                f32),
            SafeTensorsFiles.ToBytes(scalarAndEmpty),
            SafeTensorsFiles.ToBytes(new StateDictionary()),
        ];
    }

    internal readonly record struct FuzzOutcome(Exception? Error, long AllocatedBytes);

    /// <summary>Tallies outcomes by kind and keeps the first few failures of each sort.</summary>
    internal sealed class FuzzReport(int seed)
    {
        private readonly Dictionary<string, (int Loaded, int Refused)> _byKind = [];
        private double _worstRatio;
        private string _worstCase = "";

        public int Count { get; private set; }

        public int Loaded { get; private set; }

        public int Refused { get; private set; }

        /// <summary>Outcomes other than a load or an InvalidDataException (the first ten are kept in <see cref="Unexpected"/>).</summary>
        public int Other { get; private set; }

        public List<string> Unexpected { get; } = [];

        public List<string> OverAllowance { get; } = [];

        public void Add(string kind, byte[] file, FuzzOutcome outcome)
        {
            Count++;
            var (loaded, refused) = _byKind.GetValueOrDefault(kind);
            if (outcome.Error is null)
            {
                Loaded++;
                loaded++;
            }
            else if (outcome.Error is InvalidDataException)
            {
                Refused++;
                refused++;
            }
            else if (++Other <= 10)
            {
                Unexpected.Add($"case {Count - 1} ({kind}, {file.Length} bytes): {outcome.Error}");
            }
            _byKind[kind] = (loaded, refused);

            long allowance = AllocationAllowance.For(file);
            if (outcome.AllocatedBytes > allowance && OverAllowance.Count < 10)
            {
                OverAllowance.Add($"case {Count - 1} ({kind}, {file.Length} bytes) allocated {outcome.AllocatedBytes} " +
                                  $"bytes, allowance {allowance}");
            }
            double ratio = (double)outcome.AllocatedBytes / allowance;
            if (ratio > _worstRatio)
            {
                (_worstRatio, _worstCase) = (ratio, $"case {Count - 1} ({kind}, {file.Length} bytes, " +
                                                    $"{outcome.AllocatedBytes} bytes allocated)");
            }
        }

        public string Summary()
        {
            var lines = _byKind.OrderBy(pair => pair.Key, StringComparer.Ordinal)
                .Select(pair => $"  {pair.Key}: {pair.Value.Loaded} loaded, {pair.Value.Refused} refused");
            return string.Create(CultureInfo.InvariantCulture,
                $"{Count} cases (seed {seed}): {Loaded} loaded, {Refused} refused with InvalidDataException, " +
                $"{Other} other outcomes.\nWorst allocation: {_worstRatio:P0} of the allowance, {_worstCase}.\n") +
                string.Join("\n", lines);
        }
    }
}
