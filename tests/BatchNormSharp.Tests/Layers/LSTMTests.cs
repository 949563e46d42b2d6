using System.Globalization;
using BatchNormSharp.Tests.Functions;
using BatchNormSharp.Tests.Helpers;

namespace BatchNormSharp.Tests.Layers;

/// <summary>
/// <see cref="LSTM"/> through the layer contract: PyTorch's references (every <c>Reference/lstm_*.json</c> case, through
/// Forward with (h0, c0) and Backward with dh_n, dc_n), gradient checks, state-dict names, shapes, the thread-safe
/// inference path, a model with a head, and a training step that allocates nothing.
/// </summary>
public class LSTMTests(ITestOutputHelper output)
{
    private const double Limit = 1e-10;

    public static TheoryData<string> Cases =>
        [.. Directory.GetFiles(ReferenceFiles.Folder, "lstm_*.json").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardBackward_ReferenceCase_MatchesPyTorch(string fileName)
    {
        var c = ReferenceFiles.Load<LstmCase>(fileName);
        var lstm = new LSTM(c.InputSize, c.HiddenSize, seed: 1, numLayers: c.NumLayers, returnSequences: true);
        foreach (var (name, parameter) in lstm.NamedParameters())
        {
            c.Parameters[name].Data.CopyTo(parameter.Value.AsSpan());
        }
        var x = Tensor.FromSpan(c.Tensors["x"].Data, c.Batch, c.Time, c.InputSize);
        var y = c.HasInitialState
            ? lstm.Forward(x, State(c, "h0"), State(c, "c0"), ForwardMode.Training)
            : lstm.Forward(x, ForwardMode.Training);
        var dx = lstm.Backward(Tensor.FromSpan(c.Tensors["dy"].Data, c.Batch, c.Time, c.HiddenSize),
            State(c, "dh_n"), State(c, "dc_n"));

        var deviations = new List<(string Name, double Deviation)>
        {
            ("y", LstmSequenceReferenceTests.Of(y.AsReadOnlySpan(), c.Tensors["y"])),
            ("h_n", LstmSequenceReferenceTests.Of(lstm.FinalHidden.AsReadOnlySpan(), c.Tensors["h_n"])),
            ("c_n", LstmSequenceReferenceTests.Of(lstm.FinalCell.AsReadOnlySpan(), c.Tensors["c_n"])),
            ("dx", LstmSequenceReferenceTests.Of(dx.AsReadOnlySpan(), c.Tensors["dx"])),
        };
        if (c.HasInitialState)
        {
            deviations.Add(("dh0", LstmSequenceReferenceTests.Of(lstm.InitialHiddenGradient.AsReadOnlySpan(), c.Tensors["dh0"])));
            deviations.Add(("dc0", LstmSequenceReferenceTests.Of(lstm.InitialCellGradient.AsReadOnlySpan(), c.Tensors["dc0"])));
        }
        foreach (var (name, parameter) in lstm.NamedParameters())
        {
            deviations.Add(("d" + name, LstmSequenceReferenceTests.Of(parameter.Gradient.AsReadOnlySpan(), c.Gradients[name])));
        }
        double worst = deviations.Max(d => d.Deviation);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{c.Name}: worst {worst:E2} ({deviations.First(d => d.Deviation == worst).Name})"));
        deviations.Should().AllSatisfy(d => d.Deviation.Should().BeLessThanOrEqualTo(Limit, d.Name));
    }

    [Theory]
    [InlineData(2, 1, 1, 3, 1, true)]
    [InlineData(4, 5, 2, 3, 1, false)]
    [InlineData(3, 4, 2, 3, 2, true)]
    [InlineData(7, 3, 1, 2, 2, false)]
    public void Backward_GradientCheck_MatchesFiniteDifferences(int batch, int time, int input, int hidden, int layers, bool returnSequences)
    {
        var lstm = new LSTM(input, hidden, seed: 3, numLayers: layers, returnSequences: returnSequences);
        var x = TestData.NormalShaped([batch, time, input], seed: 11, mean: 12.0, spread: 5.0);

        var report = GradientChecker.CheckLayer(lstm, x, ForwardMode.Training, upstreamSeed: 7);

        report.WriteTo(output, $"LSTM B{batch} T{time} I{input} H{hidden} L{layers} seq={returnSequences}");
        report.ShouldPass();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Backward_GradientCheckWithInitialState_MatchesFiniteDifferences(bool checkHidden)
    {
        var lstm = new LSTM(2, 3, seed: 5, numLayers: 2, returnSequences: true, init: RecurrentInit.XavierPerGate);
        var x = TestData.NormalShaped([3, 4, 2], seed: 12, mean: 12.0, spread: 5.0);
        var h0 = TestData.NormalShaped([2, 3, 3], seed: 13);
        var c0 = TestData.NormalShaped([2, 3, 3], seed: 14);
        var objective = new InitialStateObjective(lstm, x, checkHidden ? c0 : h0, checkHidden, TestData.NormalShaped([3, 4, 3], seed: 15));

        // The checked "input" is h0 (or c0); the parameters are checked with the state given.
        var report = GradientChecker.Check(objective, checkHidden ? h0 : c0);

        report.WriteTo(output, checkHidden ? "LSTM dL/dh0" : "LSTM dL/dc0");
        report.ShouldPass();
    }

    [Fact]
    public void StateDict_TwoLayers_HasPyTorchNamesShapesAndOrder()
    {
        var lstm = new LSTM(3, 5, seed: 1, numLayers: 2);

        var entries = lstm.NamedParameters().Select(p => $"{p.Name} {Tensor.FormatShape(p.Parameter.Value.Shape)}");

        entries.Should().Equal(
            "weight_ih_l0 [20, 3]", "weight_hh_l0 [20, 5]", "bias_ih_l0 [20]", "bias_hh_l0 [20]",
            "weight_ih_l1 [20, 5]", "weight_hh_l1 [20, 5]", "bias_ih_l1 [20]", "bias_hh_l1 [20]");
        lstm.Buffers.Should().BeEmpty();
    }

    [Fact]
    public void Constructor_SameSeed_SameWeightsWithinTorchBound()
    {
        var a = new LSTM(2, 4, seed: 9);
        var b = new LSTM(2, 4, seed: 9);

        a.Parameters.Zip(b.Parameters).Should().AllSatisfy(p => p.First.Value.ToArray().Should().Equal(p.Second.Value.ToArray()));
        a.Parameters.SelectMany(p => p.Value.ToArray()).Should().AllSatisfy(v => Math.Abs(v).Should().BeLessThanOrEqualTo(0.5));
    }

    [Fact]
    public void OutputShape_LastStepOrSequence_FollowsInput()
    {
        new LSTM(3, 5, seed: 1).OutputShape([4, 7, 3], ForwardMode.Training).Should().Equal(4, 5);
        new LSTM(3, 5, seed: 1, returnSequences: true).OutputShape([4, 7, 3], ForwardMode.Inference).Should().Equal(4, 7, 5);
    }

    [Theory]
    [InlineData(new[] { 4, 3 })]
    [InlineData(new[] { 4, 7, 2 })]
    [InlineData(new[] { 0, 7, 3 })]
    [InlineData(new[] { 4, 0, 3 })]
    public void Forward_InputNotASequenceOfInputSize_ThrowsNamingTheShape(int[] shape)
    {
        var lstm = new LSTM(3, 5, seed: 1);

        var act = () => lstm.Forward(Tensor.Zeros(shape));

        act.Should().Throw<ArgumentException>().WithMessage("*LSTM*expects*got*").And.ParamName.Should().Be("input");
    }

    [Fact]
    public void Forward_InitialStateOfWrongShape_ThrowsAndChangesNothing()
    {
        var lstm = new LSTM(1, 3, seed: 1, numLayers: 2);
        var x = TestData.NormalShaped([4, 2, 1], seed: 1);
        lstm.Forward(x);
        var finalHidden = lstm.FinalHidden.Clone();

        var act = () => lstm.Forward(x.Clone(), Tensor.Zeros(1, 4, 3), Tensor.Zeros(2, 4, 3));

        act.Should().Throw<ArgumentException>().WithMessage("*h0*[2, 4, 3]*[1, 4, 3]*").And.ParamName.Should().Be("initialHidden");
        lstm.FinalHidden.ToArray().Should().Equal(finalHidden.ToArray());
    }

    [Fact]
    public void Backward_FinalStateGradientOfWrongShape_ThrowsAndAddsNoGradient()
    {
        var lstm = new LSTM(1, 3, seed: 1, numLayers: 2, returnSequences: true);
        var x = TestData.NormalShaped([4, 2, 1], seed: 1);
        lstm.Forward(x);

        var act = () => lstm.Backward(Tensor.Zeros(4, 2, 3), Tensor.Zeros(2, 3, 3), null);

        act.Should().Throw<ArgumentException>().WithMessage("*dL/d(h_n)*[2, 4, 3]*[2, 3, 3]*").And.ParamName.Should().Be("finalHiddenGradient");
        lstm.Parameters.Should().AllSatisfy(p => p.Gradient.ToArray().Should().AllSatisfy(v => v.Should().Be(0)));
        lstm.Backward(Tensor.Zeros(4, 2, 3), null, Tensor.Zeros(2, 4, 3)).Shape.ToArray().Should().Equal(4, 2, 1);
    }

    [Fact]
    public void Forward_FinalStateFedBack_ContinuesTheSequence()
    {
        var lstm = new LSTM(2, 3, seed: 4, returnSequences: true);
        var whole = TestData.NormalShaped([2, 6, 2], seed: 2);
        var first = Tensor.FromSpan(Steps(whole, 0, 3), 2, 3, 2);
        var second = Tensor.FromSpan(Steps(whole, 3, 3), 2, 3, 2);
        var expected = lstm.Forward(whole).Clone();

        lstm.Forward(first);
        var y = lstm.Forward(second, lstm.FinalHidden, lstm.FinalCell);

        y.ToArray().Should().Equal(Steps(expected, 3, 3, 3));
        lstm.LastForwardHadInitialState.Should().BeTrue();
    }

    [Fact]
    public void ForwardBackward_LastStepOnly_EqualsSequenceWithGradientOnLastStep()
    {
        var last = new LSTM(2, 3, seed: 8, numLayers: 2);
        var all = new LSTM(2, 3, seed: 8, numLayers: 2, returnSequences: true);
        var x = TestData.NormalShaped([3, 4, 2], seed: 3);
        var g = TestData.Normal(3, 3, seed: 4);
        var gAll = Tensor.Zeros(3, 4, 3);
        for (int b = 0; b < 3; b++)
        {
            g.AsReadOnlySpan().Slice(b * 3, 3).CopyTo(gAll.AsSpan().Slice((b * 4 + 3) * 3, 3));
        }

        var yLast = last.Forward(x).Clone();
        var dxLast = last.Backward(g).Clone();
        var yAll = all.Forward(x);
        var dxAll = all.Backward(gAll);

        yLast.ToArray().Should().Equal(Steps(yAll, 3, 1, 3));
        dxLast.ToArray().Should().Equal(dxAll.ToArray());
        last.Parameters.Zip(all.Parameters).Should().AllSatisfy(p => p.First.Gradient.ToArray().Should().Equal(p.Second.Gradient.ToArray()));
    }

    [Fact]
    public void Infer_ManyThreads_EqualsForward()
    {
        var lstm = new LSTM(2, 4, seed: 6, numLayers: 2);
        var x = TestData.NormalShaped([5, 6, 2], seed: 5);
        var expected = lstm.Forward(x).ToArray();

        var results = LayerRoundTrips.InferFromManyThreads(lstm, x, expected.Length);

        results.Should().AllSatisfy(r => r.Should().Equal(expected));
    }

    [Fact]
    public void Sequential_LstmDenseAndLstmLastTimeStepDense_AgreeAndTrain()
    {
        var direct = new Sequential(new LSTM(1, 8, seed: 1), new Dense(8, 1, seed: 2));
        var viaLastStep = new Sequential(new LSTM(1, 8, seed: 1, returnSequences: true), new LastTimeStep(), new Dense(8, 1, seed: 2));
        var data = SeriesWindows.Create(Enumerable.Range(0, 40).Select(i => Math.Sin(i * 0.3)).ToArray(), lookBack: 5);

        var a = direct.Forward(data.Inputs).Clone();
        var b = viaLastStep.Forward(data.Inputs);
        var da = direct.Backward(a).Clone();
        var db = viaLastStep.Backward(b);

        a.ToArray().Should().Equal(b.ToArray());
        da.ToArray().Should().Equal(db.ToArray());
        direct.StateDict().Keys.Should().Equal("0.weight_ih_l0", "0.weight_hh_l0", "0.bias_ih_l0", "0.bias_hh_l0", "1.weight", "1.bias");
        var predicted = new double[data.Count];
        direct.Infer(data.Inputs.AsReadOnlySpan(), data.Inputs.Shape, predicted);
        predicted.Should().Equal(a.ToArray());
    }

    [Fact]
    public void SaveLoad_StackedModel_PredictsTheSame()
    {
        var model = new Sequential(new LSTM(3, 5, seed: 1, numLayers: 2), new Dense(5, 1, seed: 2));
        var x = TestData.NormalShaped([4, 6, 3], seed: 3);
        var twin = new Sequential(new LSTM(3, 5, seed: 8, numLayers: 2), new Dense(5, 1, seed: 9));

        var (original, loaded) = LayerRoundTrips.PredictionsAfterSaveAndLoad(model, twin, x, 4);

        loaded.Should().Equal(original);
    }

    [Fact]
    public void ForwardBackward_SteadyState_AllocatesNothing()
    {
        var model = new Sequential(new LSTM(1, 16, seed: 1, numLayers: 2), new Dense(16, 1, seed: 2));
        var x = TestData.NormalShaped([8, 10, 1], seed: 1);
        var g = TestData.Normal(8, 1, seed: 2);
        void Step()
        {
            model.Forward(x, ForwardMode.Training);
            model.Backward(g, computeInputGradient: false);
        }
        Step();
        Step();

        AllocationMeter.BytesAllocatedBy(Step).Should().Be(0);
    }

    private static Tensor State(LstmCase c, string name) =>
        Tensor.FromSpan(c.Tensors[name].Data, c.NumLayers, c.Batch, c.HiddenSize);

    /// <summary>Time steps <c>start … start + count - 1</c> of a <c>[batch, time, features]</c> sequence, row-major.</summary>
    private static double[] Steps(Tensor sequence, int start, int count, int? features = null)
    {
        int batch = sequence.Shape[0], time = sequence.Shape[1], f = features ?? sequence.Shape[2];
        var values = new List<double>();
        for (int b = 0; b < batch; b++)
        {
            values.AddRange(sequence.AsReadOnlySpan().Slice(((b * time) + start) * f, count * f).ToArray());
        }
        return [.. values];
    }

    /// <summary><c>L = Σ lstm(x, h0, c0) ⊙ g</c> as a function of h0 (or c0), the other state held fixed.</summary>
    private sealed class InitialStateObjective(LSTM lstm, Tensor x, Tensor otherState, bool ofHidden, Tensor upstream) : IObjective
    {
        public IReadOnlyList<(string Name, Parameter Parameter)> Parameters { get; } = [.. lstm.NamedParameters()];

        public IReadOnlyList<StateBuffer> Buffers => [];

        public ObjectiveValue Evaluate(Tensor input)
        {
            ReadOnlySpan<double> y = Run(input).AsReadOnlySpan(), g = upstream.AsReadOnlySpan();
            double value = 0.0, magnitude = 0.0;
            for (int i = 0; i < y.Length; i++)
            {
                value += y[i] * g[i];
                magnitude += Math.Abs(y[i] * g[i]);
            }
            return new ObjectiveValue(value, magnitude);
        }

        public Tensor Differentiate(Tensor input)
        {
            Run(input);
            lstm.Backward(upstream);
            return (ofHidden ? lstm.InitialHiddenGradient : lstm.InitialCellGradient).Clone();
        }

        private Tensor Run(Tensor state) => ofHidden ? lstm.Forward(x, state, otherState) : lstm.Forward(x, otherState, state);
    }
}
