using BatchNormSharp.Tests.Helpers;
using SomeUser.Layers;

namespace BatchNormSharp.Tests.UserLayers;

/// <summary>
/// A user's own layers (<see cref="PerFeatureScale"/>, and <see cref="ScaledBatchNorm"/> with named children), written
/// outside the library's namespace, join every service of the contract on equal terms: the summary, state
/// dictionaries with nested names, save and load, Train/Eval, thread-safe Predict, the gradient checker, Fit, and the
/// roll-back of a refused batch.
/// </summary>
public class UserLayerTests
{
    private static Sequential Model(int seed)
    {
        var random = new Random(seed);
        return new Sequential(new Dense(4, 5, random), new ScaledBatchNorm(5), new ReLU(), new Dense(5, 3, random));
    }

    private static Sequential TrainedModel(int seed)
    {
        var model = Model(seed);
        var (inputs, labels) = TrainingData.Clusters(64, 4, 3, seed: seed + 1);
        new Trainer(model, new SgdMomentum(model.Parameters, learningRate: 0.05, momentum: 0.9))
            .Fit(inputs, labels, new FitOptions { Epochs = 3, BatchSize = 16, Seed = 2 });
        return model;
    }

    [Fact]
    public void StateDict_ChildrenOfAUsersLayer_NamesNestAsInPyTorch()
    {
        var names = Model(seed: 1).StateDict().Keys;

        names.Should().Equal(
            "0.weight", "0.bias",
            "1.bn.weight", "1.bn.bias", "1.bn.running_mean", "1.bn.running_var", "1.bn.num_batches_tracked",
            "1.scale.scale",
            "3.weight", "3.bias");
    }

    [Fact]
    public void SaveThenLoad_ModelWithUsersLayers_PredictsTheSameBitForBit()
    {
        var trained = TrainedModel(seed: 3);
        var fresh = Model(seed: 99);
        string path = Path.Combine(Path.GetTempPath(), $"user-layer-{Guid.NewGuid():N}.safetensors");
        var inputs = TrainingData.RandomInputs(10, 4, seed: 4);
        try
        {
            SafeTensors.Save(trained.StateDict(), path);
            fresh.LoadStateDict(SafeTensors.Load(path));
        }
        finally
        {
            File.Delete(path);
        }

        fresh.Predict(inputs).Probabilities.ToArray().Should().Equal(trained.Predict(inputs).Probabilities.ToArray());
        ((ScaledBatchNorm)fresh.Layers[1]).Norm.NumBatchesTracked.Should().Be(12);
    }

    [Fact]
    public void Summary_ModelWithUsersLayer_ShowsItOnOneRowWithoutRunningIt()
    {
        var model = Model(seed: 5);
        var user = (ScaledBatchNorm)model.Layers[1];

        var summary = model.Summary();

        summary.Layers.Select(row => $"{row.Name} {row.LayerType} {row.OutputFeatures} {row.TrainableParameters} {row.NonTrainableParameters}")
            .Should().Equal("0 Dense 5 25 0", "1 ScaledBatchNorm 5 15 10", "2 ReLU 5 0 0", "3 Dense 3 18 0");
        user.Norm.NumBatchesTracked.Should().Be(0, "the summary runs nothing");
    }

    [Fact]
    public void TrainAndEval_ReachAUsersLayerAndItsChildren()
    {
        var model = Model(seed: 6);
        var user = (ScaledBatchNorm)model.Layers[1];

        model.Eval();
        var inEval = new[] { user.Mode, user.Norm.Mode, user.Scale.Mode };
        model.Train();

        inEval.Should().OnlyContain(mode => mode == ForwardMode.Inference);
        new[] { user.Mode, user.Norm.Mode, user.Scale.Mode }.Should().OnlyContain(mode => mode == ForwardMode.Training);
    }

    [Fact]
    public void Predict_UsersLayerFromEightThreads_EqualsOneThreadBitForBitAndWritesNothing()
    {
        var model = TrainedModel(seed: 7);
        var inputs = TrainingData.RandomInputs(33, 4, seed: 8);
        double[] expected = model.Predict(inputs, batchSize: 5).Probabilities.ToArray();
        double[] stateBefore = TrainingData.AllValues(model);
        int mismatches = 0;

        var threads = Enumerable.Range(0, 8).Select(_ => new Thread(() =>
        {
            for (int call = 0; call < 50; call++)
            {
                if (!model.Predict(inputs, batchSize: 5).Probabilities.ToArray().SequenceEqual(expected))
                {
                    Interlocked.Increment(ref mismatches);
                }
            }
        })).ToList();
        threads.ForEach(thread => thread.Start());
        threads.ForEach(thread => thread.Join());

        mismatches.Should().Be(0);
        TrainingData.AllValues(model).Should().Equal(stateBefore);
    }

    [Theory]
    [InlineData(ForwardMode.Training)]
    [InlineData(ForwardMode.Inference)]
    public void Backward_UsersLayers_MatchFiniteDifferences(ForwardMode mode)
    {
        var scale = new PerFeatureScale(5);
        TestData.Normal(1, 5, seed: 9, mean: 1, spread: 0.5).AsReadOnlySpan().CopyTo(scale.Scale.Value.AsSpan());
        var composite = new ScaledBatchNorm(5);
        TestData.Normal(1, 5, seed: 10, mean: 1, spread: 0.5).AsReadOnlySpan().CopyTo(composite.Scale.Scale.Value.AsSpan());
        composite.Forward(TestData.Normal(8, 5, seed: 11, mean: 12, spread: 5), ForwardMode.Training);
        var input = TestData.Normal(7, 5, seed: 12, mean: 12, spread: 5);

        GradientChecker.CheckLayer(scale, input, mode, upstreamSeed: 13).ShouldPass();
        GradientChecker.CheckLayer(composite, input, mode, upstreamSeed: 14).ShouldPass();
    }

    [Fact]
    public void Fit_ModelWithUsersLayer_TrainsItsParameter()
    {
        var model = Model(seed: 15);
        var user = (ScaledBatchNorm)model.Layers[1];
        double[] before = user.Scale.Scale.Value.ToArray();
        var (inputs, labels) = TrainingData.Clusters(64, 4, 3, seed: 16);

        new Trainer(model, new SgdMomentum(model.Parameters, learningRate: 0.05, momentum: 0.9))
            .Fit(inputs, labels, new FitOptions { Epochs = 2, BatchSize = 16, Seed = 1 });

        user.Scale.Scale.Value.ToArray().Should().NotEqual(before);
    }

    [Fact]
    public void Forward_BatchRefusedAfterAUsersLayer_PutsBackEveryBufferAndMode()
    {
        var first = new BatchNorm(3);
        var scale = new PerFeatureScale(3);
        var last = new BatchNorm(3);
        var model = new Sequential(first, scale, last);
        model.Forward(TestData.Normal(6, 3, seed: 17, mean: 2), ForwardMode.Training);
        model.Eval();
        scale.Scale.Value[1] = double.PositiveInfinity; // the user's layer turns feature 1 infinite
        var snapshot = StateSnapshot.Of(model);

        var act = () => model.Forward(TestData.Normal(6, 3, seed: 18, mean: 2), ForwardMode.Training);

        act.Should().Throw<NonFiniteBatchException>().WithMessage("*feature 1*");
        snapshot.ShouldBeUnchanged("the first BatchNorm's running statistics must be put back");
        model.Subtree().Should().OnlyContain(layer => layer.Mode == ForwardMode.Inference);
    }
}

internal static class LayerTreeExtensions
{
    /// <summary>Every layer of a model, through the public <see cref="Layer.Children"/>.</summary>
    public static IEnumerable<Layer> Subtree(this Layer layer) =>
        layer.Children.SelectMany(child => child.Layer.Subtree()).Prepend(layer);
}
