using System.Globalization;
using BatchNormSharp.Tests.Functions;
using BatchNormSharp.Tests.Helpers;

namespace BatchNormSharp.Tests.Layers;

/// <summary>
/// <see cref="BatchNormLSTM"/> through the layer contract: both variants against their PyTorch references (three
/// training batches then two inference batches, every output, gradient and running statistic), gradient checks in
/// both modes, nested state-dict names, modes reaching the BatchNorm children, refusals, the thread-safe inference
/// path and a training step that allocates nothing.
/// </summary>
public class BatchNormLSTMTests(ITestOutputHelper output)
{
    private const double Limit = 1e-10;

    [Theory]
    [InlineData("bnlstm_seed.json")]
    [InlineData("bnlstm_cooijmans.json")]
    public void Batches_TrainThenEval_MatchPyTorch(string fileName)
    {
        var c = ReferenceFiles.Load<BnLstmCase>(fileName);
        var variant = c.Variant == "seed" ? BatchNormLSTMVariant.SharedGateStatistics : BatchNormLSTMVariant.Cooijmans;
        var layer = new BatchNormLSTM(c.InputSize, c.HiddenSize, variant, seed: 1, maxLength: c.MaxLength ?? 0,
            returnSequences: true, eps: c.Eps, momentum: c.Momentum);
        var parameters = layer.NamedParameters().ToList();
        parameters.Select(p => p.Name).Should().BeEquivalentTo(c.Parameters.Keys);
        foreach (var (name, parameter) in parameters)
        {
            c.Parameters[name].Data.CopyTo(parameter.Value.AsSpan());
        }

        double worstOverall = 0.0;
        for (int k = 0; k < c.Batches.Count; k++)
        {
            var batch = c.Batches[k];
            int B = c.Batch, T = batch.Time, H = c.HiddenSize;
            foreach (var (_, parameter) in parameters)
            {
                parameter.ZeroGrad();
            }
            var mode = batch.Mode == "train" ? ForwardMode.Training : ForwardMode.Inference;
            var y = layer.Forward(Tensor.FromSpan(batch.Tensors["x"].Data, B, T, c.InputSize), mode);
            var dx = layer.Backward(Tensor.FromSpan(batch.Tensors["dy"].Data, B, T, H),
                Tensor.FromSpan(batch.Tensors["dh_n"].Data, 1, B, H), Tensor.FromSpan(batch.Tensors["dc_n"].Data, 1, B, H));

            var deviations = new List<(string Name, double Deviation)>
            {
                ("y", LstmSequenceReferenceTests.Of(y.AsReadOnlySpan(), batch.Tensors["y"])),
                ("h_n", LstmSequenceReferenceTests.Of(layer.FinalHidden.AsReadOnlySpan(), batch.Tensors["h_n"])),
                ("c_n", LstmSequenceReferenceTests.Of(layer.FinalCell.AsReadOnlySpan(), batch.Tensors["c_n"])),
                ("dx", LstmSequenceReferenceTests.Of(dx.AsReadOnlySpan(), batch.Tensors["dx"])),
            };
            foreach (var (name, parameter) in parameters)
            {
                deviations.Add(("d" + name, GradientDeviation(name, parameter.Gradient.AsReadOnlySpan(), batch.Gradients[name])));
            }
            var buffers = layer.NamedBuffers().ToList();
            buffers.Select(b => b.Name).Should().BeEquivalentTo(batch.Buffers.Keys, "every buffer of the reference, no more");
            foreach (var (name, buffer) in buffers)
            {
                deviations.Add((name, LstmSequenceReferenceTests.Of(buffer.Value.AsReadOnlySpan(), batch.Buffers[name])));
            }

            double worst = deviations.Max(d => d.Deviation);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{c.Name} batch {k} ({batch.Mode}, T={T}): worst {worst:E2} ({deviations.First(d => d.Deviation == worst).Name})"));
            worstOverall = Math.Max(worstOverall, worst);
            deviations.Should().AllSatisfy(d => d.Deviation.Should().BeLessThanOrEqualTo(Limit, $"batch {k}: {d.Name}"));
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{c.Name}: worst over all batches {worstOverall:E2}"));
    }

    [Theory]
    [InlineData(BatchNormLSTMVariant.SharedGateStatistics, ForwardMode.Training, 2, 3, true)]
    [InlineData(BatchNormLSTMVariant.SharedGateStatistics, ForwardMode.Training, 4, 4, false)]
    [InlineData(BatchNormLSTMVariant.SharedGateStatistics, ForwardMode.Inference, 3, 4, true)]
    [InlineData(BatchNormLSTMVariant.Cooijmans, ForwardMode.Training, 3, 3, true)]
    [InlineData(BatchNormLSTMVariant.Cooijmans, ForwardMode.Training, 4, 4, false)]
    [InlineData(BatchNormLSTMVariant.Cooijmans, ForwardMode.Inference, 3, 5, true)]
    public void Backward_GradientCheck_MatchesFiniteDifferences(
        BatchNormLSTMVariant variant, ForwardMode mode, int batch, int time, bool returnSequences)
    {
        var layer = new BatchNormLSTM(2, 3, variant, seed: 2, maxLength: 3, returnSequences: returnSequences);
        Perturb(layer, seed: 21);
        // Move the running statistics away from 0 and 1 first, so that inference uses statistics of its own.
        layer.Forward(TestData.NormalShaped([5, 4, 2], seed: 22, mean: 12.0, spread: 5.0), ForwardMode.Training);
        var x = TestData.NormalShaped([batch, time, 2], seed: 23, mean: 12.0, spread: 5.0);

        var report = GradientChecker.CheckLayer(layer, x, mode, upstreamSeed: 24);

        report.WriteTo(output, $"BatchNormLSTM {variant} {mode} B{batch} T{time} seq={returnSequences}");
        report.ShouldPass();
    }

    [Fact]
    public void StateDict_SeedVariantInAModel_NestsTheGateBatchNorms()
    {
        var model = new Sequential(new BatchNormLSTM(1, 4, BatchNormLSTMVariant.SharedGateStatistics, seed: 1), new Dense(4, 1, seed: 2));

        var names = model.StateDict().Keys.ToList();

        names.Take(3).Should().Equal("0.weight_ih", "0.weight_hh", "0.bias");
        names.Should().Contain(["0.bn_gates.0.weight", "0.bn_gates.3.bias", "0.bn_gates.2.running_mean", "0.bn_gates.1.num_batches_tracked", "1.weight"]);
    }

    [Fact]
    public void StateDict_Cooijmans_HasSharedAffineAndPerStepStatistics()
    {
        var layer = new BatchNormLSTM(1, 4, BatchNormLSTMVariant.Cooijmans, seed: 1, maxLength: 3);

        var names = layer.NamedParameters().Select(p => p.Name).ToList();
        var buffers = layer.NamedBuffers().Select(b => b.Name).ToList();

        names.Should().Equal("weight_ih", "weight_hh", "bias", "bn_ih.weight", "bn_hh.weight", "bn_c.weight", "bn_c.bias");
        buffers.Should().HaveCount(27).And.Contain(["bn_ih.0.running_mean", "bn_hh.2.running_var", "bn_c.1.num_batches_tracked"]);
        layer.NamedParameters().Single(p => p.Name == "bn_ih.weight").Parameter.Value.ToArray().Should().AllSatisfy(v => v.Should().Be(0.1));
    }

    [Fact]
    public void Eval_ReachesTheBatchNormChildren_AndInferenceLeavesStatisticsAlone()
    {
        var layer = new BatchNormLSTM(1, 3, BatchNormLSTMVariant.SharedGateStatistics, seed: 1);
        var x = TestData.NormalShaped([4, 5, 1], seed: 1);
        layer.Forward(x, ForwardMode.Training);
        var before = layer.Buffers.Select(b => b.Value.ToArray()).ToList();

        layer.Eval();
        layer.Forward(x);

        layer.NamedLayers().Select(l => l.Layer.Mode).Should().AllBeEquivalentTo(ForwardMode.Inference);
        layer.Buffers.Select(b => b.Value.ToArray()).Should().BeEquivalentTo(before, o => o.WithStrictOrdering());
        layer.NamedBuffers().Single(b => b.Name == "bn_gates.0.num_batches_tracked").Buffer.Value.AsReadOnlySpan()[0].Should().Be(5, "one move per time step, training only");
    }

    [Fact]
    public void Forward_TrainingBatchOfOne_ThrowsAndChangesNothing()
    {
        var layer = new BatchNormLSTM(1, 3, BatchNormLSTMVariant.Cooijmans, seed: 1, maxLength: 2);
        var before = layer.Buffers.Select(b => b.Value.ToArray()).ToList();

        var act = () => layer.Forward(Tensor.Zeros(1, 2, 1), ForwardMode.Training);

        act.Should().Throw<ArgumentException>().WithMessage("*more than 1 value per feature*");
        layer.Buffers.Select(b => b.Value.ToArray()).Should().BeEquivalentTo(before, o => o.WithStrictOrdering());
        layer.Forward(Tensor.Zeros(1, 2, 1), ForwardMode.Inference).Shape.ToArray().Should().Equal(1, 3);
    }

    [Theory]
    [InlineData(BatchNormLSTMVariant.SharedGateStatistics)]
    [InlineData(BatchNormLSTMVariant.Cooijmans)]
    public void Forward_TrainingBatchWithNaN_ThrowsAndLeavesRunningStatisticsAsTheyWere(BatchNormLSTMVariant variant)
    {
        var model = new Sequential(new BatchNormLSTM(1, 3, variant, seed: 1, maxLength: 4), new Dense(3, 1, seed: 2));
        model.Forward(TestData.NormalShaped([4, 4, 1], seed: 1), ForwardMode.Training);
        var before = model.Buffers.Select(b => b.Value.ToArray()).ToList();
        var x = TestData.NormalShaped([4, 4, 1], seed: 2);
        x.AsSpan()[5] = double.NaN;

        var act = () => model.Forward(x, ForwardMode.Training);

        act.Should().Throw<ArgumentException>().WithMessage("*finite*Nothing was changed*");
        model.Buffers.Select(b => b.Value.ToArray()).Should().BeEquivalentTo(before, o => o.WithStrictOrdering());
        var backward = () => model.Backward(Tensor.Zeros(4, 1));
        backward.Should().Throw<InvalidOperationException>().WithMessage("*refused*Run Forward again*");
    }

    [Fact]
    public void SaveLoad_TrainedModel_RestoresParametersStatisticsAndPredictions()
    {
        var model = new Sequential(new BatchNormLSTM(2, 4, BatchNormLSTMVariant.Cooijmans, seed: 1, maxLength: 5), new Dense(4, 1, seed: 2));
        for (int k = 0; k < 3; k++)
        {
            model.Forward(TestData.NormalShaped([6, 5, 2], seed: k), ForwardMode.Training);
        }
        var x = TestData.NormalShaped([3, 7, 2], seed: 9);
        var twin = new Sequential(new BatchNormLSTM(2, 4, BatchNormLSTMVariant.Cooijmans, seed: 7, maxLength: 5), new Dense(4, 1, seed: 8));

        var (original, loaded) = LayerRoundTrips.PredictionsAfterSaveAndLoad(model, twin, x, 3);

        loaded.Should().Equal(original);
    }

    [Fact]
    public void Constructor_CooijmansWithoutMaxLength_ThrowsSayingWhatToPass()
    {
        var act = () => new BatchNormLSTM(1, 3, BatchNormLSTMVariant.Cooijmans, seed: 1);

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*maxLength*").And.ParamName.Should().Be("maxLength");
    }

    [Theory]
    [InlineData(BatchNormLSTMVariant.SharedGateStatistics)]
    [InlineData(BatchNormLSTMVariant.Cooijmans)]
    public void Infer_ManyThreads_EqualsInferenceForward(BatchNormLSTMVariant variant)
    {
        var layer = new BatchNormLSTM(2, 4, variant, seed: 3, maxLength: 4);
        layer.Forward(TestData.NormalShaped([6, 4, 2], seed: 1), ForwardMode.Training);
        var x = TestData.NormalShaped([5, 6, 2], seed: 2);
        var expected = layer.Forward(x, ForwardMode.Inference).ToArray();

        var results = LayerRoundTrips.InferFromManyThreads(layer, x, expected.Length);

        results.Should().AllSatisfy(r => r.Should().Equal(expected));
    }

    [Theory]
    [InlineData(BatchNormLSTMVariant.SharedGateStatistics)]
    [InlineData(BatchNormLSTMVariant.Cooijmans)]
    public void ForwardBackward_SteadyState_AllocatesNothing(BatchNormLSTMVariant variant)
    {
        var model = new Sequential(new BatchNormLSTM(1, 16, variant, seed: 1, maxLength: 10), new Dense(16, 1, seed: 2));
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

    /// <summary>Moves every γ, β and bias off its initial value, so that the check exercises them all.</summary>
    private static void Perturb(Layer layer, int seed)
    {
        var random = new Random(seed);
        foreach (var parameter in layer.Parameters)
        {
            Span<double> values = parameter.Value.AsSpan();
            for (int i = 0; i < values.Length; i++)
            {
                values[i] += 0.2 * (random.NextDouble() - 0.5);
            }
        }
    }

    /// <summary>The seed's bias is removed by BatchNorm in training: its gradient is zero up to rounding.</summary>
    private static double GradientDeviation(string name, ReadOnlySpan<double> actual, JsonTensor reference)
    {
        double scale = reference.Data.Max(Math.Abs);
        if (name == "bias" && scale < 1e-12)
        {
            double worst = 0.0;
            for (int i = 0; i < actual.Length; i++)
            {
                worst = Math.Max(worst, Math.Abs(actual[i] - reference.Data[i]));
            }
            return worst;
        }
        return LstmSequenceReferenceTests.Of(actual, reference);
    }
}
