using BatchNormSharp.Tests.Helpers;

namespace BatchNormSharp.Tests.Serialization;

/// <summary>Whole-model files for the activations and the sequence layers: saved, loaded without code, and
/// predicting bit for bit what the saved model predicted, with every running statistic moved first.</summary>
public class ModelFileSequenceLayerTests
{
    public static TheoryData<string> SequenceModels => new() { "lstm", "lstm-stacked-sequences", "seed", "cooijmans", "cooijmans-sequences" };

    [Fact]
    public void Load_SigmoidAndTanh_ComeBackAndPredictTheSame()
    {
        var model = new Sequential(new Dense(4, 6, seed: 1), new Sigmoid(), new Dense(6, 5, seed: 2), new Tanh(),
            new Dense(5, 2, seed: 3));
        var inputs = TrainingData.RandomInputs(12, 4, seed: 4);

        var loaded = RoundTrip(model);

        loaded.ToString().Should().Contain("(1): Sigmoid()").And.Contain("(3): Tanh()");
        Predictions(loaded, inputs).Should().Equal(Predictions(model, inputs));
    }

    [Theory]
    [MemberData(nameof(SequenceModels))]
    public void Load_SequenceModel_ComesBackWithItsHyperParametersAndPredictsBitForBitTheSame(string which)
    {
        var model = SequenceModel(which);
        var inputs = TestData.NormalShaped([9, 4, 3], seed: 7, mean: 12, spread: 5);

        var loaded = RoundTrip(model);

        loaded.ToString().Should().Be(model.ToString());
        TrainingData.AllValues(loaded).Should().Equal(TrainingData.AllValues(model));
        Predictions(loaded, inputs).Should().Equal(Predictions(model, inputs));
    }

    [Fact]
    public void Load_LstmWithXavierInit_KeepsItsInitialisationAndSizes()
    {
        var lstm = new LSTM(3, 5, seed: 2, numLayers: 3, returnSequences: true, init: RecurrentInit.XavierPerGate);

        var loaded = (LSTM)RoundTrip(lstm);

        loaded.Initialization.Should().Be(RecurrentInit.XavierPerGate);
        (loaded.InputSize, loaded.HiddenSize, loaded.NumLayers, loaded.ReturnSequences).Should().Be((3, 5, 3, true));
    }

    [Fact]
    public void Load_BatchNormLstmHyperParameters_ComeBackExactly()
    {
        var layer = new BatchNormLSTM(2, 3, BatchNormLSTMVariant.Cooijmans, seed: 1, maxLength: 6, returnSequences: true,
            eps: 1e-3, momentum: 0.30000000000000004);

        var loaded = (BatchNormLSTM)RoundTrip(layer);

        (loaded.Variant, loaded.MaxLength, loaded.ReturnSequences, loaded.Eps, loaded.Momentum)
            .Should().Be((BatchNormLSTMVariant.Cooijmans, 6, true, 1e-3, 0.30000000000000004));
        loaded.StateDict().Keys.Should().Equal(layer.StateDict().Keys);
    }

    [Fact]
    public void Copy_TrainedBatchNormLstm_IsIndependentAndPredictsTheSame()
    {
        var model = SequenceModel("cooijmans");
        var inputs = TestData.NormalShaped([5, 4, 3], seed: 8, mean: 12, spread: 5);

        var copy = ModelFile.Copy(model);
        copy.Forward(inputs.Clone(), ForwardMode.Training);

        TrainingData.AllValues(copy).Should().NotEqual(TrainingData.AllValues(model), "only the copy's statistics moved");
        Predictions(ModelFile.Copy(model), inputs).Should().Equal(Predictions(model, inputs));
    }

    [Fact]
    public void Load_BatchNormLstmVariantDamaged_ThrowsInvalidDataNamingTheVariants()
    {
        var state = ModelFile.ToStateDictionary(new BatchNormLSTM(2, 3, BatchNormLSTMVariant.SharedGateStatistics, seed: 1));
        state.Metadata[ModelFile.ArchitectureKey] = state.Metadata[ModelFile.ArchitectureKey]
            .Replace("\"SharedGateStatistics\"", "\"Shared\"", StringComparison.Ordinal);

        var act = () => ModelFile.FromStateDictionary(state);

        act.Should().Throw<InvalidDataException>().WithMessage("*'variant'*SharedGateStatistics, Cooijmans*'Shared'*");
    }

    [Fact]
    public void Load_BatchNormLstmMaxLengthDamaged_ThrowsInvalidDataBeforeBuildingTheGroups()
    {
        var state = ModelFile.ToStateDictionary(new BatchNormLSTM(2, 3, BatchNormLSTMVariant.Cooijmans, seed: 1, maxLength: 4));
        state.Metadata[ModelFile.ArchitectureKey] = state.Metadata[ModelFile.ArchitectureKey]
            .Replace("\"max_length\":4", "\"max_length\":400000000", StringComparison.Ordinal);

        var act = () => ModelFile.FromStateDictionary(state);

        act.Should().Throw<InvalidDataException>().WithMessage("*BatchNorm groups [bn_ih: 400000000 x 12*but are [bn_ih: BatchNormGroup(4 x*");
    }

    /// <summary>A trained-looking sequence model (running statistics moved by training passes) in inference mode.</summary>
    internal static Sequential SequenceModel(string which)
    {
        var random = new Random(3);
        Sequential model = which switch
        {
            "lstm" => new Sequential(new LSTM(3, 4, random), new Dense(4, 2, random)),
            "lstm-stacked-sequences" => new Sequential(new LSTM(3, 4, random, numLayers: 2, returnSequences: true),
                new LastTimeStep(), new Tanh(), new Dense(4, 2, random)),
            "seed" => new Sequential(new BatchNormLSTM(3, 4, BatchNormLSTMVariant.SharedGateStatistics, random, eps: 1e-3,
                momentum: 0.2), new Dense(4, 2, random)),
            "cooijmans" => new Sequential(new BatchNormLSTM(3, 4, BatchNormLSTMVariant.Cooijmans, random, maxLength: 4),
                new Dense(4, 2, random)),
            _ => new Sequential(new BatchNormLSTM(3, 4, BatchNormLSTMVariant.Cooijmans, random, maxLength: 3,
                returnSequences: true), new LastTimeStep(), new Sigmoid(), new Dense(4, 2, random)),
        };
        for (int pass = 0; pass < 3; pass++)
        {
            model.Forward(TestData.NormalShaped([8, 4, 3], seed: 20 + pass, mean: 12, spread: 5), ForwardMode.Training);
        }
        foreach (var parameter in model.Parameters)
        {
            Span<double> values = parameter.Value.AsSpan();
            for (int i = 0; i < values.Length; i++)
            {
                values[i] += random.NextDouble() - 0.5;
            }
        }
        return model.Eval();
    }

    private static Layer RoundTrip(Layer model)
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");
        ModelFile.Save(model, path);
        return ModelFile.Load(path);
    }

    private static double[] Predictions(Layer model, Tensor inputs) =>
        model.Forward(inputs.Clone(), ForwardMode.Inference).ToArray();
}
