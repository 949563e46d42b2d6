using BatchNormSharp.Tests.Helpers;

namespace BatchNormSharp.Tests.Optimizers;

public class OptimizerStateExtensionsTests
{
    [Fact]
    public void SaveAndResume_FiveStepsThenFiveMore_IsBitIdenticalToTenStraight()
    {
        var (inputs, labels) = TrainingData.Clusters(40, 4, 3, seed: 1);
        var straight = TrainingData.IrisModel(seed: 7);
        var straightOptimizer = new SgdMomentum(straight.Parameters, learningRate: 0.1, momentum: 0.9);
        TrainSteps(straight, straightOptimizer, inputs, labels, first: 0, count: 10);

        var interrupted = TrainingData.IrisModel(seed: 7);
        var interruptedOptimizer = new SgdMomentum(interrupted.Parameters, learningRate: 0.1, momentum: 0.9);
        TrainSteps(interrupted, interruptedOptimizer, inputs, labels, first: 0, count: 5);
        using var folder = new TemporaryFolder();
        SafeTensors.Save(interrupted.StateDict(), folder.File("model.safetensors"));
        SafeTensors.Save(interruptedOptimizer.StateDict(interrupted), folder.File("optimizer.safetensors"));

        var resumed = TrainingData.IrisModel(seed: 12345);
        var resumedOptimizer = new SgdMomentum(resumed.Parameters, learningRate: 0.1, momentum: 0.9);
        resumed.LoadStateDict(SafeTensors.Load(folder.File("model.safetensors")));
        resumedOptimizer.LoadStateDict(resumed, SafeTensors.Load(folder.File("optimizer.safetensors")));
        TrainSteps(resumed, resumedOptimizer, inputs, labels, first: 5, count: 5);

        TrainingData.AllValues(resumed).Select(BitConverter.DoubleToInt64Bits)
            .Should().Equal(TrainingData.AllValues(straight).Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void SaveAndResume_WithoutOptimizerState_Differs()
    {
        // The control for the test above: dropping the momentum buffers must show.
        var (inputs, labels) = TrainingData.Clusters(40, 4, 3, seed: 1);
        var straight = TrainingData.IrisModel(seed: 7);
        TrainSteps(straight, new SgdMomentum(straight.Parameters, 0.1, 0.9), inputs, labels, 0, 10);
        var interrupted = TrainingData.IrisModel(seed: 7);
        TrainSteps(interrupted, new SgdMomentum(interrupted.Parameters, 0.1, 0.9), inputs, labels, 0, 5);

        var resumed = TrainingData.IrisModel(seed: 1);
        resumed.LoadStateDict(interrupted.StateDict());
        TrainSteps(resumed, new SgdMomentum(resumed.Parameters, 0.1, 0.9), inputs, labels, 5, 5);

        TrainingData.AllValues(resumed).Should().NotEqual(TrainingData.AllValues(straight));
    }

    [Fact]
    public void StateDict_NamesBuffersAfterParametersInPyTorchLayout()
    {
        var model = TrainingData.IrisModel(seed: 1);
        var optimizer = new SgdMomentum(model.Parameters, 0.1, 0.9);

        var state = optimizer.StateDict(model);

        state.Keys.Should().Equal(model.NamedParameters().Select(p => p.Name + ".momentum_buffer"));
        state["0.weight.momentum_buffer"].Shape.ToArray().Should().Equal(10, 4);
        state.Metadata.Should().Contain("momentum", "0.9");
    }

    [Fact]
    public void LoadStateDict_WrongNamesAndShapes_ThrowsNamingAllAndChangesNothing()
    {
        var (inputs, labels) = TrainingData.Clusters(20, 4, 3, seed: 1);
        var model = TrainingData.IrisModel(seed: 1);
        var optimizer = new SgdMomentum(model.Parameters, 0.1, 0.9);
        TrainSteps(model, optimizer, inputs, labels, 0, 2);
        var before = optimizer.StateDict(model);
        var bad = new StateDictionary();
        foreach (var (name, tensor) in before)
        {
            if (name != "0.bias.momentum_buffer")
            {
                bad.Add(name, name == "3.weight.momentum_buffer" ? Tensor.Zeros(10, 3) : Tensor.Full(7.0, tensor.Shape.ToArray()));
            }
        }
        bad.Add("9.weight.momentum_buffer", Tensor.Zeros(1));

        var act = () => optimizer.LoadStateDict(model, bad);

        act.Should().Throw<ArgumentException>().WithMessage(
            "*Missing (1): 0.bias.momentum_buffer*Unexpected (1): 9.weight.momentum_buffer*" +
            "Mis-shaped (1): 3.weight.momentum_buffer: expected [3, 10], got [10, 3]*");
        optimizer.StateDict(model).Values.SelectMany(t => t.ToArray())
            .Should().Equal(before.Values.SelectMany(t => t.ToArray()));
    }

    [Fact]
    public void StateDict_OptimizerOverAnotherModel_ThrowsSayingWhichParameter()
    {
        var model = TrainingData.IrisModel(seed: 1);
        var other = TrainingData.IrisModel(seed: 2);
        var optimizer = new SgdMomentum(other.Parameters, 0.1, 0.9);

        var act = () => optimizer.StateDict(model);

        act.Should().Throw<ArgumentException>().WithMessage("*parameter 0*not a parameter of the model*");
    }

    /// <summary>The hand-written training loop, over consecutive batches of 8 rows (wrapping around).</summary>
    internal static void TrainSteps(Sequential model, IOptimizer optimizer, Tensor inputs, int[] labels, int first,
        int count)
    {
        var loss = new SoftmaxCrossEntropy();
        for (int step = first; step < first + count; step++)
        {
            int start = step * 8 % inputs.Shape[0];
            var batch = Tensor.FromSpan(inputs.AsReadOnlySpan().Slice(start * 4, 8 * 4), 8, 4);
            optimizer.ZeroGrad();
            loss.Forward(model.Forward(batch, ForwardMode.Training), labels.AsSpan(start, 8));
            model.Backward(loss.Backward());
            optimizer.Step();
        }
    }
}
