namespace BatchNormSharp.Tests.Sequences;

public class SequenceExtensionsTests
{
    private static Tensor Sequence(int batch, int time, int features)
    {
        var tensor = Tensor.Zeros(batch, time, features);
        Span<double> values = tensor.AsSpan();
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = i;
        }
        return tensor;
    }

    [Fact]
    public void TimeStep_ThreeDimensionalSequence_ViewsEachSamplesRowOfThatStep()
    {
        var sequence = Sequence(batch: 2, time: 3, features: 4);

        var step = sequence.TimeStep(1);

        step.Count.Should().Be(2);
        step.Width.Should().Be(4);
        step.Stride.Should().Be(12);
        step[0].ToArray().Should().Equal(4, 5, 6, 7);
        step[1].ToArray().Should().Equal(16, 17, 18, 19);
    }

    [Fact]
    public void TimeStep_WriteThroughView_ChangesTheSequenceWithoutACopy()
    {
        var sequence = Sequence(batch: 2, time: 3, features: 2);

        sequence.TimeStep(2).CopyFrom([-1, -2, -3, -4]);

        sequence.ToArray().Should().Equal(0, 1, 2, 3, -1, -2, 6, 7, 8, 9, -3, -4);
    }

    [Fact]
    public void TimeStep_LastStep_CopiesPackedRows()
    {
        var sequence = Sequence(batch: 3, time: 2, features: 2);

        sequence.TimeStep(1).ToTensor().ToArray().Should().Equal(2, 3, 6, 7, 10, 11);
    }

    [Fact]
    public void FeatureColumn_Batch_ViewsOneValuePerRow()
    {
        var batch = Tensor.FromArray(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });

        var column = batch.FeatureColumn(2);

        column.ToTensor().ToArray().Should().Equal(3, 6);
        column[1][0] = 60;
        batch[1, 2].Should().Be(60);
    }

    [Fact]
    public void TimeStep_OutOfRangeOrWrongRank_ThrowsSayingWhatWasExpected()
    {
        var sequence = Sequence(2, 3, 4);

        Action pastEnd = () => sequence.TimeStep(3).ToTensor();
        Action wrongRank = () => Tensor.Zeros(2, 3).TimeStep(0).ToTensor();
        Action badRow = () => sequence.TimeStep(0)[2].Clear();

        pastEnd.Should().Throw<ArgumentOutOfRangeException>().WithMessage("Expected a time step in [0, 3), but got 3*");
        wrongRank.Should().Throw<ArgumentException>().WithMessage("*[batch, time, features]*[2, 3]*");
        badRow.Should().Throw<ArgumentOutOfRangeException>().WithMessage("Expected a row in [0, 2), but got 2*");
    }
}
