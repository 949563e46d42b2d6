using BatchNormSharp.Tests.Helpers;

namespace BatchNormSharp.Tests.Models;

public class StateDictExtensionsTests
{
    [Fact]
    public void StateDict_IrisModel_ListsPyTorchNamesInPyTorchOrder()
    {
        var state = TrainingData.IrisModel(seed: 1).StateDict();

        state.Keys.Should().Equal("0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
            "1.num_batches_tracked", "3.weight", "3.bias", "4.weight", "4.bias", "4.running_mean", "4.running_var",
            "4.num_batches_tracked");
        state.Metadata.Should().Contain("format", "pt");
    }

    [Fact]
    public void StateDict_DenseWeight_IsTransposedToPyTorchOutByIn()
    {
        var dense = new Dense(2, 3, seed: 4);
        var model = new Sequential(dense);

        var weight = model.StateDict()["0.weight"];

        weight.Shape.ToArray().Should().Equal(3, 2);
        for (int o = 0; o < 3; o++)
        {
            for (int i = 0; i < 2; i++)
            {
                weight[o, i].Should().Be(dense.Weight.Value[i, o]);
            }
        }
    }

    [Fact]
    public void StateDict_NumBatchesTracked_IsAnIntegerScalar()
    {
        var model = TrainingData.IrisModel(seed: 1);
        model.Forward(TrainingData.RandomInputs(4, 4, seed: 1), ForwardMode.Training);
        model.Forward(TrainingData.RandomInputs(4, 4, seed: 2), ForwardMode.Training);

        var state = model.StateDict();

        state["1.num_batches_tracked"].Rank.Should().Be(0);
        state["1.num_batches_tracked"].AsReadOnlySpan()[0].Should().Be(2);
        state.IsInteger("1.num_batches_tracked").Should().BeTrue();
        state.IsInteger("1.running_var").Should().BeFalse();
    }

    [Fact]
    public void StateDict_IsASnapshot_LaterTrainingDoesNotChangeIt()
    {
        var model = TrainingData.IrisModel(seed: 1);
        var state = model.StateDict();
        double before = state["1.running_mean"][0];

        model.Forward(TrainingData.RandomInputs(4, 4, seed: 1), ForwardMode.Training);

        state["1.running_mean"][0].Should().Be(before);
    }

    [Fact]
    public void LoadStateDict_FromTrainedModel_GivesBitIdenticalPredictions()
    {
        var trained = TrainingData.IrisModel(seed: 1);
        for (int step = 0; step < 3; step++)
        {
            trained.Forward(TrainingData.RandomInputs(6, 4, seed: step), ForwardMode.Training);
        }
        var fresh = TrainingData.IrisModel(seed: 99);
        var input = TrainingData.RandomInputs(5, 4, seed: 7);

        fresh.LoadStateDict(trained.StateDict());

        TrainingData.AllValues(fresh).Should().Equal(TrainingData.AllValues(trained));
        fresh.Forward(input, ForwardMode.Inference).ToArray()
            .Should().Equal(trained.Forward(input, ForwardMode.Inference).ToArray());
        TrainingData.BatchNorms(fresh).First().NumBatchesTracked.Should().Be(3);
    }

    [Fact]
    public void LoadStateDict_Strict_NamesEveryMissingUnexpectedAndMisShapedEntryInOneError()
    {
        var model = TrainingData.IrisModel(seed: 1);
        var state = TrainingData.IrisModel(seed: 2).StateDict();
        var damaged = new StateDictionary();
        foreach (var (name, tensor) in state)
        {
            if (name is "0.bias" or "4.running_var")
            {
                continue; // missing
            }
            damaged.Add(name, name == "3.weight" ? Tensor.Zeros(10, 3) : tensor, state.IsInteger(name));
        }
        damaged.Add("5.weight", Tensor.Zeros(3));

        var act = () => model.LoadStateDict(damaged);

        act.Should().Throw<ArgumentException>()
            .WithMessage("*Missing (2): 0.bias, 4.running_var*Unexpected (1): 5.weight*" +
                         "Mis-shaped (1): 3.weight: expected [3, 10], got [10, 3]*")
            .And.ParamName.Should().Be("state");
    }

    [Fact]
    public void LoadStateDict_OneBadEntry_ChangesNothing()
    {
        var model = TrainingData.IrisModel(seed: 1);
        var before = TrainingData.AllValues(model);
        var source = TrainingData.IrisModel(seed: 2).StateDict();
        var damaged = new StateDictionary();
        foreach (var (name, tensor) in source)
        {
            // The last entry is the bad one, so every other entry would already have been copied by a naive loader.
            damaged.Add(name, name == "4.running_var" ? Tensor.Zeros(4) : tensor, source.IsInteger(name));
        }

        var act = () => model.LoadStateDict(damaged);

        act.Should().Throw<ArgumentException>().WithMessage("*4.running_var: expected [3], got [4]*");
        TrainingData.AllValues(model).Should().Equal(before);
    }

    [Fact]
    public void LoadStateDict_NotStrict_IgnoresMissingAndUnexpectedEntries()
    {
        var model = TrainingData.IrisModel(seed: 1);
        var partial = new StateDictionary();
        partial.Add("1.running_mean", Tensor.Full(3.0, 10));
        partial.Add("head.weight", Tensor.Zeros(2));

        var result = model.LoadStateDict(partial, strict: false);

        TrainingData.BatchNorms(model).First().RunningMean!.ToArray().Should().OnlyContain(x => x == 3.0);
        result.UnexpectedKeys.Should().Equal("head.weight");
        result.MissingKeys.Should().Equal(model.StateDict().Keys.Where(name => name != "1.running_mean"));
        result.AllMatched.Should().BeFalse();
    }

    [Fact]
    public void LoadStateDict_Strict_ReportsEverythingMatched()
    {
        var model = TrainingData.IrisModel(seed: 1);

        var result = model.LoadStateDict(TrainingData.IrisModel(seed: 2).StateDict());

        result.AllMatched.Should().BeTrue();
    }

    [Fact]
    public void LoadStateDict_NotStrict_StillRejectsWrongShapes()
    {
        var model = TrainingData.IrisModel(seed: 1);
        var partial = new StateDictionary();
        partial.Add("1.running_mean", Tensor.Zeros(4));

        var act = () => model.LoadStateDict(partial, strict: false);

        act.Should().Throw<ArgumentException>().WithMessage("*1.running_mean: expected [10], got [4]*");
    }

    [Fact]
    public void LoadStateDict_DictionaryHoldingTheModelsOwnSquareWeight_ReadsItInPyTorchLayout()
    {
        var dense = new Dense(3, 3, seed: 1);
        var model = new Sequential(dense);
        double[] original = dense.Weight.Value.ToArray();
        var state = new StateDictionary();
        state.Add("0.weight", dense.Weight.Value);
        state.Add("0.bias", dense.Bias.Value);

        model.LoadStateDict(state);

        // The tensor was taken as PyTorch's [out, in], so the stored [in, out] weight is its transpose.
        for (int i = 0; i < 3; i++)
        {
            for (int o = 0; o < 3; o++)
            {
                dense.Weight.Value[i, o].Should().Be(original[(o * 3) + i]);
            }
        }
    }

    [Fact]
    public void LoadStateDict_NegativeBatchCount_ThrowsAndChangesNothing()
    {
        var model = TrainingData.IrisModel(seed: 1);
        var before = TrainingData.AllValues(model);
        var state = model.StateDict();
        state["4.num_batches_tracked"].AsSpan()[0] = -1;

        var act = () => model.LoadStateDict(state);

        act.Should().Throw<ArgumentException>().WithMessage("*Invalid count (1): 4.num_batches_tracked*");
        TrainingData.AllValues(model).Should().Equal(before);
    }
}
