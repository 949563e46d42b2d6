namespace BatchNormSharp.Tests;

/// <summary>Every loss reuses its storage: forward and backward of a batch of a shape seen before allocate nothing.</summary>
public class LossAllocationTests
{
    public static TheoryData<string> Kinds() => ["cross_entropy", "bce", "bce_pos_weight", "mse"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ForwardBackward_WarmedUp_AllocatesNothing(string kind)
    {
        var predictions = TestData.Normal(16, kind == "cross_entropy" ? 3 : 1, seed: 5);
        var (loss, targets) = kind switch
        {
            "cross_entropy" => ((ILoss)new SoftmaxCrossEntropy(),
                Tensor.FromArray([.. TestData.Labels(16, 3, seed: 6).Select(l => (double)l)])),
            "bce" => (new BinaryCrossEntropyWithLogits(), Tensor.FromArray([.. TestData.Labels(16, 2, 7).Select(l => (double)l)])),
            "bce_pos_weight" => (new BinaryCrossEntropyWithLogits(3.0), Tensor.Zeros(16, 1)),
            _ => (new MeanSquaredError(), TestData.Normal(16, 1, seed: 8)),
        };
        loss.Forward(predictions, targets);
        loss.Backward();

        long allocated = AllocationMeter.BytesAllocatedBy(() =>
        {
            for (int i = 0; i < 5; i++)
            {
                loss.Forward(predictions, targets);
                loss.Backward();
            }
        });

        allocated.Should().Be(0);
    }
}
