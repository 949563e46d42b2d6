using BatchNormSharp.Tests.Helpers;

namespace BatchNormSharp.Tests.Models;

public class SequentialTests
{
    [Fact]
    public void Forward_ChainOfLayers_EqualsCallingEachLayerInTurn()
    {
        var dense = new Dense(3, 4, seed: 1);
        var relu = new ReLU();
        var reference = new Dense(3, 4, seed: 1);
        var model = new Sequential(dense, relu);
        var input = TrainingData.RandomInputs(5, 3, seed: 2);

        var output = model.Forward(input, ForwardMode.Training).ToArray();

        var expected = new ReLU().Forward(reference.Forward(input, ForwardMode.Training), ForwardMode.Training);
        output.Should().Equal(expected.ToArray());
    }

    [Fact]
    public void Forward_Inference_ChangesNoRunningStatisticInAnyNestedLayer()
    {
        var model = TrainingData.NestedModel(seed: 3);
        model.Forward(TrainingData.RandomInputs(8, 3, seed: 4), ForwardMode.Training); // move statistics off 0/1
        var before = TrainingData.BatchNorms(model).Select(bn => (bn.RunningMean!.ToArray(), bn.RunningVar!.ToArray(),
            bn.NumBatchesTracked)).ToList();

        model.Forward(TrainingData.RandomInputs(8, 3, seed: 5), ForwardMode.Inference);

        var after = TrainingData.BatchNorms(model).Select(bn => (bn.RunningMean!.ToArray(), bn.RunningVar!.ToArray(),
            bn.NumBatchesTracked)).ToList();
        after.Should().HaveCount(2);
        for (int i = 0; i < after.Count; i++)
        {
            after[i].Item1.Should().Equal(before[i].Item1);
            after[i].Item2.Should().Equal(before[i].Item2);
            after[i].NumBatchesTracked.Should().Be(before[i].NumBatchesTracked);
        }
    }

    [Fact]
    public void Forward_Training_UpdatesEveryNestedBatchNorm()
    {
        var model = TrainingData.NestedModel(seed: 6);
        var before = TrainingData.BatchNorms(model).Select(bn => bn.RunningMean!.ToArray()).ToList();

        model.Forward(TrainingData.RandomInputs(8, 3, seed: 7), ForwardMode.Training);

        var batchNorms = TrainingData.BatchNorms(model).ToList();
        batchNorms.Should().HaveCount(2);
        for (int i = 0; i < batchNorms.Count; i++)
        {
            batchNorms[i].NumBatchesTracked.Should().Be(1);
            batchNorms[i].RunningMean!.ToArray().Should().NotEqual(before[i]);
        }
    }

    [Theory]
    [InlineData(ForwardMode.Training)]
    [InlineData(ForwardMode.Inference)]
    public void Backward_NestedModel_MatchesCentredDifferencesForInputAndEveryParameter(ForwardMode mode)
    {
        var model = TrainingData.NestedModel(seed: 8);
        model.Forward(TrainingData.RandomInputs(16, 3, seed: 11), ForwardMode.Training); // non-trivial running statistics
        var input = TrainingData.RandomInputs(4, 3, seed: 9);

        var report = GradientChecker.CheckLayer(model, input, mode, upstreamSeed: 10);

        report.ShouldPass();
        report.Comparisons.Should().HaveCount(1 + model.Parameters.Count, "dx and every parameter are checked");
    }

    [Fact]
    public void Backward_WithoutForward_ThrowsSayingWhatToDo()
    {
        var model = TrainingData.IrisModel(seed: 1);

        var act = () => model.Backward(Tensor.Zeros(2, 3));

        act.Should().Throw<InvalidOperationException>().WithMessage("*Sequential*Forward*");
    }

    [Fact]
    public void Forward_WidthMismatchInsideChain_ThrowsNamingLayerAndChangesNoStatistic()
    {
        var batchNorm = new BatchNorm(3);
        var model = new Sequential(batchNorm, new Dense(4, 2, seed: 1));

        var act = () => model.Forward(TrainingData.RandomInputs(5, 3, seed: 1), ForwardMode.Training);

        act.Should().Throw<ArgumentException>().WithMessage("In layer 1: Dense(4 -> 2)*[batch, 4]*[5, 3]*")
            .And.ParamName.Should().Be("input");
        batchNorm.NumBatchesTracked.Should().Be(0);
        batchNorm.RunningMean!.ToArray().Should().OnlyContain(x => x == 0.0);
    }

    [Fact]
    public void Forward_LaterChildRefusesTheBatch_RestoresEveryRunningStatisticAndMode()
    {
        var model = new Sequential(new Dense(3, 4, seed: 1), new BatchNorm(4), new RefusingLayer(maxRows: 5),
            new BatchNorm(4));
        model.Forward(TrainingData.RandomInputs(4, 3, seed: 2), ForwardMode.Training);
        model.Eval();
        var before = StateSnapshot.Of(model);

        var act = () => model.Forward(TrainingData.RandomInputs(6, 3, seed: 3), ForwardMode.Training);

        act.Should().Throw<ArgumentException>().WithMessage("RefusingLayer expects at most 5 rows, but got 6*");
        before.ShouldBeUnchanged("the BatchNorm in front of the refusing layer had already moved its statistics");
        model.Layers.Should().OnlyContain(layer => layer.Mode == ForwardMode.Inference);
    }

    [Fact]
    public void Forward_LaterChildRefusesTheBatch_RestoresTheModesInsideNestedContainers()
    {
        var inner = new Sequential(new Dense(3, 4, seed: 1), new BatchNorm(4));
        var model = new Sequential(inner, new RefusingLayer(maxRows: 5));
        inner.Layers[1].Eval(); // a mixed state inside the nested container: Dense training, BatchNorm inference

        var act = () => model.Forward(TrainingData.RandomInputs(6, 3, seed: 3), ForwardMode.Training);

        act.Should().Throw<ArgumentException>();
        inner.Layers.Select(layer => layer.Mode).Should().Equal(ForwardMode.Training, ForwardMode.Inference);
    }

    [Fact]
    public void Forward_TheOutputOfOneOfItsLayers_ThrowsInsteadOfOverwritingWhatALayerKeeps()
    {
        var model = new Sequential(new Dense(3, 3, seed: 4), new BatchNorm(3));
        var outer = new Sequential(new Dense(3, 3, seed: 5), model);
        var output = outer.Forward(TrainingData.RandomInputs(4, 3, seed: 6), ForwardMode.Training);
        var before = StateSnapshot.Of(outer);

        var fedBack = () => model.Forward(output, ForwardMode.Training);
        var fedBackThroughNesting = () => outer.Forward(output, ForwardMode.Training);

        fedBack.Should().Throw<ArgumentException>().WithMessage("Sequential expected an input other than a tensor it (or a layer inside it) returned*Clone()*");
        fedBackThroughNesting.Should().Throw<ArgumentException>().WithMessage("*other than a tensor it (or a layer inside it) returned*");
        before.ShouldBeUnchanged();
        outer.Invoking(m => m.Forward(output.Clone(), ForwardMode.Training)).Should().NotThrow();
    }

    [Fact]
    public void Forward_SecondBatchNormMeetsNonFiniteValues_RestoresTheFirstOnesStatistics()
    {
        var model = new Sequential(new BatchNorm(2), new Dense(2, 2, seed: 1), new BatchNorm(2));
        var dense = (Dense)model.Layers[1];
        dense.Weight.Value.Fill(double.MaxValue); // a diverged weight: finite, but its products overflow
        var before = StateSnapshot.Of(model);

        var act = () => model.Forward(TrainingData.RandomInputs(4, 2, seed: 2), ForwardMode.Training);

        act.Should().Throw<ArgumentException>().WithMessage("*feature 0 of the [4, 2] batch*");
        before.ShouldBeUnchanged();
    }

    [Fact]
    public void Backward_OneChildSwitchedModeAlone_ThrowsNamingItBeforeAnyChildAccumulates()
    {
        var model = TrainingData.IrisModel(seed: 1);
        var logits = model.Forward(TrainingData.RandomInputs(6, 4, seed: 2), ForwardMode.Training);
        model.Layers[1].Eval();
        var before = StateSnapshot.Of(model);

        var act = () => model.Backward(TestData.Normal(6, 3, seed: 3));

        act.Should().Throw<InvalidOperationException>()
            .WithMessage("*Training mode*layer 1 (BatchNorm) has since been switched to Inference mode*");
        before.ShouldBeUnchanged("layers 4, 3 and 2 would otherwise have accumulated gradients already");
        logits.Shape.ToArray().Should().Equal(6, 3);
    }

    [Fact]
    public void Backward_ChildRanAnotherForwardSince_ThrowsNamingItBeforeAnyChildAccumulates()
    {
        var model = TrainingData.NestedModel(seed: 1);
        model.Forward(TrainingData.RandomInputs(6, 3, seed: 2), ForwardMode.Training);
        ((Sequential)model.Layers[2]).Layers[0].Forward(TrainingData.RandomInputs(3, 5, seed: 4), ForwardMode.Training);
        var before = StateSnapshot.Of(model);

        var act = () => model.Backward(TestData.Normal(6, 2, seed: 3));

        act.Should().Throw<InvalidOperationException>().WithMessage("*layer 2.0 (Dense) has run another forward pass*");
        before.ShouldBeUnchanged();
    }

    [Fact]
    public void Backward_ChildAlreadyWentBack_ThrowsNamingItBeforeAnyChildAccumulates()
    {
        var model = TrainingData.IrisModel(seed: 1);
        model.Forward(TrainingData.RandomInputs(6, 4, seed: 2), ForwardMode.Training);
        model.Layers[2].Backward(TestData.Normal(6, 10, seed: 5));
        var before = StateSnapshot.Of(model);

        var act = () => model.Backward(TestData.Normal(6, 3, seed: 3));

        act.Should().Throw<InvalidOperationException>().WithMessage("*layer 2 (ReLU) has already gone back*");
        before.ShouldBeUnchanged();
    }

    [Fact]
    public void Forward_WrongInputWidth_ThrowsNamingExpectedAndActual()
    {
        var model = TrainingData.IrisModel(seed: 1);

        var act = () => model.Forward(Tensor.Zeros(2, 5), ForwardMode.Inference);

        act.Should().Throw<ArgumentException>().WithMessage("In layer 0*[batch, 4]*[*, 5]*");
    }

    [Fact]
    public void Forward_OneRowInTraining_ThrowsBeforeAnyBatchNormChanges()
    {
        var model = TrainingData.NestedModel(seed: 2);
        var before = TrainingData.AllValues(model);

        var act = () => model.Forward(Tensor.Zeros(1, 3), ForwardMode.Training);

        act.Should().Throw<ArgumentException>().WithMessage("In layer 1: BatchNorm expected more than 1 value per feature*[1, 5]*");
        TrainingData.AllValues(model).Should().Equal(before);
    }

    [Fact]
    public void Forward_OneRowInInference_Works()
    {
        var model = TrainingData.NestedModel(seed: 2);

        var output = model.Forward(Tensor.Zeros(1, 3), ForwardMode.Inference);

        output.Shape.ToArray().Should().Equal(1, 2);
    }

    [Fact]
    public void Constructor_SameLayerTwiceEvenWhenNested_Throws()
    {
        var shared = new ReLU();

        var act = () => new Sequential(new Dense(2, 2, seed: 1), shared, new Sequential(shared));

        act.Should().Throw<ArgumentException>().WithMessage("*ReLU()*more than once*");
    }

    [Fact]
    public void Constructor_NullLayer_ThrowsNamingIndex()
    {
        var act = () => new Sequential(new ReLU(), null!);

        act.Should().Throw<ArgumentNullException>().WithMessage("*Layer 1 is null*");
    }

    [Fact]
    public void Parameters_ConcatenateChildrenInForwardOrder()
    {
        var model = TrainingData.NestedModel(seed: 1);

        var expected = model.NamedParameters().Select(p => p.Parameter);

        model.Parameters.Should().Equal(expected);
        model.Parameters.Should().HaveCount(10);
        model.Buffers.Should().HaveCount(6);
    }

    [Fact]
    public void ToString_ListsLayersWithIndices()
    {
        var model = new Sequential(new Dense(4, 3, seed: 1), new Sequential(new ReLU()));

        model.ToString().Should().Be("Sequential(\n  (0): Dense(4 -> 3)\n  (1): Sequential(\n    (0): ReLU()\n  )\n)");
    }

}
