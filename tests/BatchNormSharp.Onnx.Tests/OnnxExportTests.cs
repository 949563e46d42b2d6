using System.Globalization;
using BatchNormSharp.Onnx.Tests.Helpers;

namespace BatchNormSharp.Onnx.Tests;

public class OnnxExportTests(ITestOutputHelper output)
{
    /// <summary>float32 export: outputs within this many float32 epsilons (2^-23) of the row's largest value. Each
    /// of the five operators rounds its result and the weights are rounded once; 64 epsilons (7.6e-6) leaves room
    /// for sums of ten products without hiding a wrong operator, which would be off by orders of magnitude.</summary>
    private const double Float32Bound = 64 * 1.1920928955078125e-7;

    private static readonly int[] BatchSizes = [1, 2, 7, 30, 150];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ToOnnxBytes_TrainedIrisModelInFloat64_OnnxRuntimeMatchesTheLibraryTo1e12(bool fold)
    {
        var trained = Models.TrainedIris(seed: 1);
        var model = fold ? trained.FoldBatchNorm() : trained;
        byte[] onnx = model.ToOnnxBytes();

        foreach (int rows in BatchSizes)
        {
            var inputs = IrisRows(rows);
            double deviation = RowDeviation.Max(OnnxRunner.RunDouble(onnx, inputs), Logits(model, inputs));
            output.WriteLine(Format($"float64, folded {fold}, batch {rows,3}: {deviation:E2}"));
            deviation.Should().BeLessThanOrEqualTo(1e-12, because: $"a batch of {rows} rows");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ToOnnxBytes_TrainedIrisModelInFloat32_OnnxRuntimeMatchesTheLibraryToFloat32Rounding(bool fold)
    {
        var trained = Models.TrainedIris(seed: 2);
        var model = fold ? trained.FoldBatchNorm() : trained;
        byte[] onnx = model.ToOnnxBytes(new OnnxExportOptions { Precision = OnnxPrecision.Float32 });

        foreach (int rows in BatchSizes)
        {
            var inputs = IrisRows(rows);
            double deviation = RowDeviation.Max(OnnxRunner.RunSingle(onnx, inputs), Logits(model, inputs));
            output.WriteLine(Format($"float32, folded {fold}, batch {rows,3}: {deviation:E2} (bound {Float32Bound:E2})"));
            deviation.Should().BeLessThanOrEqualTo(Float32Bound, because: $"a batch of {rows} rows");
        }
    }

    [Theory]
    [InlineData(OnnxPrecision.Float64, 1e-12)]
    [InlineData(OnnxPrecision.Float32, Float32Bound)]
    public void ToOnnxBytes_AppendSoftmax_OutputIsPredictsProbabilities(OnnxPrecision precision, double bound)
    {
        var model = Models.TrainedIris(seed: 3);
        byte[] onnx = model.ToOnnxBytes(new OnnxExportOptions { Precision = precision, AppendSoftmax = true });
        var inputs = IrisRows(150);

        var probabilities = precision == OnnxPrecision.Float64
            ? OnnxRunner.RunDouble(onnx, inputs)
            : OnnxRunner.RunSingle(onnx, inputs);

        double deviation = RowDeviation.Max(probabilities, model.Predict(inputs).Probabilities);
        output.WriteLine(Format($"{precision} probabilities: {deviation:E2}"));
        deviation.Should().BeLessThanOrEqualTo(bound);
        probabilities.ArgMaxRows().Should().Equal(model.Predict(inputs).Classes);
    }

    [Theory]
    [InlineData(OnnxPrecision.Float64, typeof(double))]
    [InlineData(OnnxPrecision.Float32, typeof(float))]
    public void ToOnnxBytes_IrisModel_DeclaresInputAndOutputWithASymbolicBatch(OnnxPrecision precision, Type type)
    {
        byte[] onnx = Models.TrainedIris(seed: 4).ToOnnxBytes(new OnnxExportOptions { Precision = precision });

        OnnxRunner.Describe(onnx, input: true).Should().BeEquivalentTo(("input", type, new[] { -1, 4 }));
        OnnxRunner.Describe(onnx, input: false).Should().BeEquivalentTo(("output", type, new[] { -1, 3 }));
    }

    [Fact]
    public void ToOnnxBytes_IrisModel_IsOneNodePerLayerInOperatorSet15()
    {
        var model = Schema.ModelProto.Parser.ParseFrom(Models.TrainedIris(seed: 5).ToOnnxBytes());

        model.IrVersion.Should().Be(OnnxExport.IrVersion);
        model.OpsetImport.Should().ContainSingle().Which.Version.Should().Be(15);
        model.Graph.Node.Select(n => n.OpType).Should().Equal("Gemm", "BatchNormalization", "Relu", "Gemm",
            "BatchNormalization");
        model.Graph.Node.Select(n => n.Name).Should().Equal("/0/Gemm", "/1/BatchNormalization", "/2/Relu", "/3/Gemm",
            "/4/BatchNormalization");
        model.Graph.Initializer.Select(t => t.Name).Should().StartWith(["0.weight", "0.bias", "1.weight", "1.bias",
            "1.running_mean", "1.running_var"]);
        model.Graph.Node[1].Attribute.Should().ContainSingle().Which.F.Should().Be(1e-5f);
    }

    [Fact]
    public void ToOnnxBytes_EpsilonNotAFloat32_VarianceCarriesTheDifference()
    {
        // ONNX's epsilon attribute is a float32: 1e-5 becomes 9.99999975e-6. With running variances of the order of
        // eps that difference would show at 1e-9; moved into the exported variance it does not.
        var random = new Random(6);
        var batchNorm = new BatchNorm(3);
        batchNorm.RunningVar!.AsSpan().Fill(2e-5);
        var model = new Sequential(new Dense(2, 3, random), batchNorm);
        var inputs = IrisRows(30).Clone();
        var small = Tensor.FromSpan(inputs.ToArray().Take(60).Select(v => v * 1e-3).ToArray(), 30, 2);

        double deviation = RowDeviation.Max(OnnxRunner.RunDouble(model.ToOnnxBytes(), small), Logits(model, small));

        output.WriteLine(Format($"variance 2e-5, eps 1e-5: {deviation:E2}"));
        deviation.Should().BeLessThanOrEqualTo(1e-12);
    }

    [Fact]
    public void ToOnnxBytes_NestedContainersAndAModelStartingWithBatchNorm_MatchTheLibrary()
    {
        var random = new Random(7);
        var first = new BatchNorm(4);
        first.RunningMean!.AsSpan().Fill(5.0);
        first.RunningVar!.AsSpan().Fill(3.0);
        var model = new Sequential(first, new Sequential(new Dense(4, 6, random), new Sequential(new ReLU())),
            new Dense(6, 2, random));
        var inputs = IrisRows(20);

        byte[] onnx = model.ToOnnxBytes();

        RowDeviation.Max(OnnxRunner.RunDouble(onnx, inputs), Logits(model, inputs)).Should().BeLessThanOrEqualTo(1e-12);
        Schema.ModelProto.Parser.ParseFrom(onnx).Graph.Node.Select(n => n.Name).Should()
            .Equal("/0/BatchNormalization", "/1/0/Gemm", "/1/1/0/Relu", "/2/Gemm");
    }

    [Fact]
    public void ToOnnxBytes_ModelStartingWithReLU_TakesTheWidthFromTheOptions()
    {
        var model = new Sequential(new ReLU(), new Dense(4, 2, seed: 8));

        var withoutWidth = () => model.ToOnnxBytes();
        byte[] onnx = model.ToOnnxBytes(new OnnxExportOptions { InputFeatures = 4 });

        withoutWidth.Should().Throw<ArgumentException>().WithMessage("*InputFeatures*");
        var inputs = IrisRows(5);
        RowDeviation.Max(OnnxRunner.RunDouble(onnx, inputs), Logits(model, inputs)).Should().BeLessThanOrEqualTo(1e-12);
    }

    [Fact]
    public void ToOnnxBytes_LayersThatDoNotFitTogether_ThrowsNamingTheLayer()
    {
        var random = new Random(9);
        var model = new Sequential(new Dense(4, 5, random), new ReLU(), new Dense(6, 2, random));

        var export = () => model.ToOnnxBytes();

        export.Should().Throw<ArgumentException>().WithMessage("*layer 2 (Dense(6 -> 2)) to receive 6 features*5*");
    }

    [Fact]
    public void ToOnnxBytes_BatchNormWithoutRunningStatistics_ThrowsNotSupported()
    {
        var model = new Sequential(new Dense(4, 3, seed: 10), new BatchNorm(3, trackRunningStats: false));

        var export = () => model.ToOnnxBytes();

        export.Should().Throw<NotSupportedException>().WithMessage("*layer 1 is BatchNorm*no running statistics*");
    }

    [Fact]
    public void ExportOnnx_UnsupportedLayer_ThrowsNamingItAndWritesNoFile()
    {
        using var folder = new TemporaryFolder();
        string path = Path.Combine(folder.Path, "model.onnx");
        var model = new Sequential(new Dense(4, 3, seed: 11), new Sequential(new ReLU(), new UsersOwnLayer()));

        var export = () => model.ExportOnnx(path);

        export.Should().Throw<NotSupportedException>()
            .WithMessage("ONNX export supports Dense, BatchNorm, Normalization, Sigmoid, Tanh, ReLU*and Sequential, but " +
                         "layer 1.1 is UsersOwnLayer()" +
                         " (UsersOwnLayer)*Nothing was written.");
        Directory.GetFiles(folder.Path).Should().BeEmpty();
    }

    [Fact]
    public void ExportOnnx_FailedExport_LeavesTheExistingFileAsItWas()
    {
        using var folder = new TemporaryFolder();
        string path = Path.Combine(folder.Path, "model.onnx");
        Models.TrainedIris(seed: 12).ExportOnnx(path);
        byte[] before = File.ReadAllBytes(path);
        var unsupported = new Sequential(new Dense(4, 3, seed: 13), new UsersOwnLayer());

        var export = () => unsupported.ExportOnnx(path);

        export.Should().Throw<NotSupportedException>();
        File.ReadAllBytes(path).Should().Equal(before);
        Directory.GetFiles(folder.Path).Should().ContainSingle();
    }

    [Fact]
    public void ExportOnnx_WriteFailsPartWay_LeavesTheExistingFileAndNoTemporaryFile()
    {
        using var folder = new TemporaryFolder();
        string path = Path.Combine(folder.Path, "model.onnx");
        File.WriteAllText(path, "the previous model");
        // A folder where the temporary file's move would land makes the final step fail after the bytes are out.
        string blocked = Path.Combine(folder.Path, "blocked.onnx");
        Directory.CreateDirectory(blocked);

        var export = () => Models.TrainedIris(seed: 14).ExportOnnx(blocked);

        export.Should().Throw<IOException>();
        File.ReadAllText(path).Should().Be("the previous model");
        Directory.GetFiles(folder.Path).Should().ContainSingle().Which.Should().Be(path);
    }

    [Fact]
    public void ExportOnnx_ExistingFile_IsReplacedByTheModelToOnnxBytesGives()
    {
        using var folder = new TemporaryFolder();
        string path = Path.Combine(folder.Path, "model.onnx");
        File.WriteAllText(path, "old");
        var model = Models.TrainedIris(seed: 15);

        model.ExportOnnx(path, new OnnxExportOptions { AppendSoftmax = true });

        File.ReadAllBytes(path).Should().Equal(model.ToOnnxBytes(new OnnxExportOptions { AppendSoftmax = true }));
        Directory.GetFiles(folder.Path).Should().ContainSingle();
    }

    [Fact]
    public void ExportOnnx_MissingFolderOrEmptyPath_ThrowsArgumentException()
    {
        var model = Models.TrainedIris(seed: 16);

        var missing = () => model.ExportOnnx(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "m.onnx"));
        var empty = () => model.ExportOnnx(" ");

        missing.Should().Throw<ArgumentException>().WithMessage("*folder*does not exist*");
        empty.Should().Throw<ArgumentException>().WithMessage("*empty*");
    }

    [Fact]
    public void ToOnnxBytes_OptionsOutOfRange_ThrowArgumentExceptionSayingWhatWasExpected()
    {
        var model = new Sequential(new Dense(4, 2, seed: 18));

        var precision = () => model.ToOnnxBytes(new OnnxExportOptions { Precision = (OnnxPrecision)7 });
        var name = () => model.ToOnnxBytes(new OnnxExportOptions { GraphName = "" });
        var width = () => model.ToOnnxBytes(new OnnxExportOptions { InputFeatures = 0 });

        precision.Should().Throw<ArgumentException>().WithMessage("Expected OnnxPrecision.Float64 or Float32, but got 7*");
        name.Should().Throw<ArgumentException>().WithMessage("Expected OnnxExportOptions.GraphName*empty*");
        width.Should().Throw<ArgumentException>().WithMessage("Expected OnnxExportOptions.InputFeatures*at least 1*0*");
    }

    [Fact]
    public void ToOnnxBytes_Always_LeavesTheModelAsItWas()
    {
        var model = Models.TrainedIris(seed: 17).Train();
        var before = model.StateDict().ToDictionary(e => e.Key, e => e.Value.ToArray());

        model.ToOnnxBytes(new OnnxExportOptions { Precision = OnnxPrecision.Float32 });

        model.Mode.Should().Be(ForwardMode.Training);
        foreach (var (name, values) in model.StateDict())
        {
            values.ToArray().Should().Equal(before[name]);
        }
    }

    private static Tensor IrisRows(int rows)
    {
        var data = SampleData.Iris();
        var all = data.TestInputs.ToArray().Concat(data.TrainInputs.ToArray()).Take(rows * 4).ToArray();
        return Tensor.FromSpan(all, rows, 4);
    }

    private static Tensor Logits(Sequential model, Tensor inputs) =>
        model.Forward(inputs.Clone(), ForwardMode.Inference).Clone();

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>A user's own layer (an identity), which the export does not know.</summary>
    private sealed class UsersOwnLayer : Layer
    {
        public override int[] OutputShape(ReadOnlySpan<int> inputShape, ForwardMode mode) => inputShape.ToArray();

        public override string ToString() => "UsersOwnLayer()";

        protected override void InferCore(ReadOnlySpan<double> input, ReadOnlySpan<int> inputShape,
            Span<double> output) => input.CopyTo(output);

        protected override Tensor? BackwardCore(Tensor outputGradient, bool computeInputGradient) =>
            computeInputGradient ? outputGradient.Clone() : null;
    }
}
