namespace BatchNormSharp.Tests;

/// <summary>Bad targets get exceptions that say what was expected, and a refused call changes nothing.</summary>
public class LossTargetTests
{
    private static readonly Tensor Logits3 = Tensor.FromArray(new double[,] { { 1, 2, 3 }, { 3, 2, 1 }, { 0, 0, 1 } });
    private static readonly Tensor Column = Tensor.FromArray(new double[,] { { 0.5 }, { -1 }, { 2 } });

    [Fact]
    public void SoftmaxCrossEntropy_OneBasedTensorTargets_ThrowsWithTheHint()
    {
        var act = () => new SoftmaxCrossEntropy().Forward(Logits3, Tensor.FromArray([1.0, 3.0, 2.0]));

        act.Should().Throw<ArgumentException>().WithMessage(
            "Labels must lie in [0, 3) for 3 classes, but label 1 is 3. The labels run from 1 to 3: they look " +
            "1-based. Subtract 1 from every label so that they run from 0 to 2.*");
    }

    [Fact]
    public void SoftmaxCrossEntropy_OneBasedIntLabels_ThrowsWithTheHint()
    {
        var act = () => new SoftmaxCrossEntropy().Forward(Logits3, [1, 2, 3]);

        act.Should().Throw<ArgumentException>().WithMessage("*label 2 is 3. The labels run from 1 to 3: they look 1-based*");
    }

    [Fact]
    public void SoftmaxCrossEntropy_LabelBeyondTheClassesButNotOneBased_ThrowsWithoutTheHint()
    {
        var act = () => new SoftmaxCrossEntropy().Forward(Logits3, [0, 7, 1]);

        act.Should().Throw<ArgumentException>().Which.Message.Should().NotContain("1-based");
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(1.5)]
    public void SoftmaxCrossEntropy_TargetNotAWholeNumber_Throws(double bad)
    {
        var act = () => new SoftmaxCrossEntropy().Forward(Logits3, Tensor.FromArray([0.0, bad, 2.0]));

        act.Should().Throw<ArgumentException>().WithMessage(
            "SoftmaxCrossEntropy expects class indices (whole numbers in [0, 3)), but target 1 is *");
    }

    [Fact]
    public void SoftmaxCrossEntropy_OneHotTargets_ThrowsSayingToTakeTheArgMax()
    {
        var act = () => new SoftmaxCrossEntropy().Forward(Logits3, Tensor.Zeros(3, 3));

        act.Should().Throw<ArgumentException>().WithMessage("*class-index targets of shape [3]*got [3, 3]*arg-max*");
    }

    [Theory]
    [InlineData(2.0, "*target 1 is 2. Map the two classes to 0 and 1.*")]
    [InlineData(-0.5, "*target 1 is -0.5. Map the two classes to 0 and 1.*")]
    [InlineData(double.NaN, "BinaryCrossEntropyWithLogits expects finite targets, but target 1 is NaN*")]
    public void BinaryCrossEntropy_TargetOutOfRange_Throws(double bad, string message)
    {
        var act = () => new BinaryCrossEntropyWithLogits().Forward(Column, Tensor.FromArray([1.0, bad, 0.0]));

        act.Should().Throw<ArgumentException>().WithMessage(message);
    }

    [Fact]
    public void BinaryCrossEntropy_MinusOneAndOneTargets_ThrowsSayingMapMinusOneToZero()
    {
        var act = () => new BinaryCrossEntropyWithLogits().Forward(Column, Tensor.FromArray([1.0, -1.0, 1.0]));

        act.Should().Throw<ArgumentException>().WithMessage("*The targets are -1 and 1: map -1 to 0.*");
    }

    [Fact]
    public void BinaryCrossEntropy_VectorTargetsForAColumn_AreAccepted()
    {
        var loss = new BinaryCrossEntropyWithLogits();

        double a = loss.Forward(Column, Tensor.FromArray([1.0, 0.0, 1.0]));
        double b = loss.Forward(Column, Tensor.FromArray(new double[,] { { 1 }, { 0 }, { 1 } }));

        b.Should().Be(a);
    }

    [Fact]
    public void BinaryCrossEntropy_TargetsOfAnotherShape_Throws()
    {
        var act = () => new BinaryCrossEntropyWithLogits().Forward(Column, Tensor.Zeros(3, 2));

        act.Should().Throw<ArgumentException>().WithMessage(
            "BinaryCrossEntropyWithLogits expects targets of the predictions' shape [3, 1], but got [3, 2]*");
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(double.PositiveInfinity)]
    public void BinaryCrossEntropy_BadPosWeight_Throws(double posWeight)
    {
        var act = () => new BinaryCrossEntropyWithLogits(posWeight);

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("posWeight must be a finite number of 0 or more*");
    }

    [Fact]
    public void MeanSquaredError_InfiniteTarget_Throws()
    {
        var act = () => new MeanSquaredError().Forward(Column, Tensor.FromArray([1.0, 2.0, double.PositiveInfinity]));

        act.Should().Throw<ArgumentException>().WithMessage("MeanSquaredError expects finite targets, but target 2 is Infinity*");
    }

    [Fact]
    public void MeanSquaredError_EmptyPredictions_Throws()
    {
        var act = () => new MeanSquaredError().Forward(Tensor.Zeros(0, 1), Tensor.Zeros(0, 1));

        act.Should().Throw<ArgumentException>().WithMessage("*non-empty predictions*");
    }

    [Fact]
    public void Forward_RefusedAfterAGoodCall_LeavesTheGoodCallsBackward()
    {
        ILoss[] losses = [new BinaryCrossEntropyWithLogits(), new MeanSquaredError()];
        foreach (var loss in losses)
        {
            loss.Forward(Column, Tensor.FromArray([1.0, 0.0, 1.0]));
            var expected = new double[3];
            var fresh = loss is MeanSquaredError ? (ILoss)new MeanSquaredError() : new BinaryCrossEntropyWithLogits();
            fresh.Forward(Column, Tensor.FromArray([1.0, 0.0, 1.0]));
            fresh.Backward().AsReadOnlySpan().CopyTo(expected);

            var act = () => loss.Forward(Column, Tensor.FromArray([1.0, double.NaN, 1.0]));

            act.Should().Throw<ArgumentException>();
            loss.Backward().ToArray().Should().Equal(expected);
        }
    }

    [Fact]
    public void Backward_WithoutForward_ThrowsSayingWhatToDo()
    {
        var act = () => new MeanSquaredError().Backward();

        act.Should().Throw<InvalidOperationException>().WithMessage("*call Forward(predictions, targets) first*");
    }
}
