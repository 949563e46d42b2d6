using System.Globalization;
using BatchNormSharp.Onnx.Tests.Helpers;

namespace BatchNormSharp.Onnx.Tests;

/// <summary>The registry of operator writers: the writers of Sigmoid, Tanh and Normalization checked in ONNX Runtime
/// against the library, and a user's layer exported through a writer registered with one call.</summary>
public class OnnxOperatorWritersTests(ITestOutputHelper output)
{
    private const double Float32Bound = 64 * 1.1920928955078125e-7;

    private static readonly Lazy<bool> s_swishRegistered = new(() =>
    {
        // x · sigmoid(x), written as two nodes by the user's own writer: docs/onnx.md's example, as written there.
        OnnxOperatorWriters.Register<Swish>((context, layer) =>
        {
            string sigmoid = context.Node("Sigmoid", [context.Input.Name]);                  // node "/1/Sigmoid"
            return context.Input with { Name = context.Node("Mul", [context.Input.Name, sigmoid]) };
        });
        return true;
    });

    public static TheoryData<string> Activations => new() { "Sigmoid", "Tanh" };

    [Theory]
    [MemberData(nameof(Activations))]
    public void ToOnnxBytes_ActivationBetweenDenseLayers_OnnxRuntimeMatchesTheLibraryTo1e12(string activation)
    {
        var random = new Random(1);
        Layer layer = activation == "Sigmoid" ? new Sigmoid() : new Tanh();
        var model = new Sequential(new Dense(4, 6, random), layer, new Dense(6, 3, random));
        var inputs = Inputs(40, 4, seed: 2);

        byte[] onnx = model.ToOnnxBytes();
        double deviation = RowDeviation.Max(OnnxRunner.RunDouble(onnx, inputs), Predict(model, inputs));
        double single = RowDeviation.Max(
            OnnxRunner.RunSingle(model.ToOnnxBytes(new OnnxExportOptions { Precision = OnnxPrecision.Float32 }), inputs),
            Predict(model, inputs));

        output.WriteLine(Format($"{activation}: float64 {deviation:E2}, float32 {single:E2}"));
        deviation.Should().BeLessThanOrEqualTo(1e-12);
        single.Should().BeLessThanOrEqualTo(Float32Bound);
        Schema.ModelProto.Parser.ParseFrom(onnx).Graph.Node.Select(n => n.Name).Should()
            .Equal("/0/Gemm", $"/1/{activation}", "/2/Gemm");
    }

    [Fact]
    public void ToOnnxBytes_AdaptedNormalizationInFront_IsSubAndDivMatchingTheLibraryBitForBit()
    {
        var inputs = Inputs(50, 4, seed: 3);
        var normalization = new Normalization(4, epsilon: 1e-3).Adapt(inputs);
        normalization.Variance[2] = 1e-8; // below ε²: the divisor is ε, as in Keras
        var model = new Sequential(normalization);

        byte[] onnx = model.ToOnnxBytes();
        var graph = Schema.ModelProto.Parser.ParseFrom(onnx).Graph;

        OnnxRunner.RunDouble(onnx, inputs).ToArray().Should().Equal(Predict(model, inputs).ToArray());
        graph.Node.Select(n => n.Name).Should().Equal("/0/Sub", "/0/Div");
        graph.Initializer.Select(t => t.Name).Should().Equal("0.mean", "0.divisor");
        graph.Initializer[1].DoubleData[2].Should().Be(1e-3);
    }

    [Fact]
    public void ToOnnxBytes_NormalizationDenseBatchNormTanh_OnnxRuntimeMatchesTheLibraryTo1e12()
    {
        var inputs = Inputs(60, 5, seed: 4);
        var random = new Random(5);
        var batchNorm = new BatchNorm(7);
        var model = new Sequential(new Normalization(5).Adapt(inputs), new Dense(5, 7, random), batchNorm, new Tanh(),
            new Dense(7, 2, random), new Sigmoid());
        for (int pass = 0; pass < 3; pass++)
        {
            model.Forward(Inputs(32, 5, seed: 10 + pass), ForwardMode.Training);
        }

        double deviation = RowDeviation.Max(OnnxRunner.RunDouble(model.ToOnnxBytes(), inputs), Predict(model, inputs));
        double folded = RowDeviation.Max(OnnxRunner.RunDouble(model.FoldBatchNorm().ToOnnxBytes(), inputs),
            Predict(model, inputs));

        output.WriteLine(Format($"Normalization, Dense, BatchNorm, Tanh, Dense, Sigmoid: {deviation:E2}, folded {folded:E2}"));
        deviation.Should().BeLessThanOrEqualTo(1e-12);
        folded.Should().BeLessThanOrEqualTo(1e-12);
    }

    [Fact]
    public void ToOnnxBytes_UsersLayerWithARegisteredWriter_IsExportedWithoutAnyEditInTheLibrary()
    {
        _ = s_swishRegistered.Value;
        var random = new Random(6);
        var model = new Sequential(new Dense(4, 5, random), new Swish(), new Dense(5, 2, random));
        var inputs = Inputs(20, 4, seed: 7);

        byte[] onnx = model.ToOnnxBytes();

        OnnxOperatorWriters.IsRegistered<Swish>().Should().BeTrue();
        RowDeviation.Max(OnnxRunner.RunDouble(onnx, inputs), Predict(model, inputs)).Should().BeLessThanOrEqualTo(1e-12);
        Schema.ModelProto.Parser.ParseFrom(onnx).Graph.Node.Select(n => n.Name).Should()
            .Equal("/0/Gemm", "/1/Sigmoid", "/1/Mul", "/2/Gemm");
    }

    [Fact]
    public void Register_LibraryLayerAgain_ThrowsSayingEachTypeIsRegisteredOnce()
    {
        var register = () => OnnxOperatorWriters.Register<Dense>((context, _) => context.Input);

        register.Should().Throw<ArgumentException>().WithMessage("*writer for Dense is already registered*once*");
    }

    private static Tensor Inputs(int rows, int features, int seed)
    {
        var random = new Random(seed);
        var values = new double[rows * features];
        for (int i = 0; i < values.Length; i++)
        {
            double u = 1.0 - random.NextDouble(), v = random.NextDouble();
            values[i] = (5 * Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v)) + 12;
        }
        return Tensor.FromSpan(values, rows, features);
    }

    private static Tensor Predict(Layer model, Tensor inputs) => model.Forward(inputs.Clone(), ForwardMode.Inference).Clone();

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>A user's layer, <c>x · sigmoid(x)</c>, unknown to the library.</summary>
    public sealed class Swish : Layer
    {
        public override int[] OutputShape(ReadOnlySpan<int> inputShape, ForwardMode mode) => inputShape.ToArray();

        protected override void InferCore(ReadOnlySpan<double> input, ReadOnlySpan<int> inputShape, Span<double> output)
        {
            for (int i = 0; i < input.Length; i++)
            {
                output[i] = input[i] / (1.0 + Math.Exp(-input[i]));
            }
        }

        protected override Tensor? BackwardCore(Tensor outputGradient, bool computeInputGradient) =>
            throw new NotSupportedException("Not needed by the export tests.");
    }
}
