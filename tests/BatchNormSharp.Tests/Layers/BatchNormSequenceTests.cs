using BatchNormSharp.Tests.Functions;

namespace BatchNormSharp.Tests;

/// <summary>
/// The layer on <c>[batch, features, length]</c> sequences, as <c>torch.nn.BatchNorm1d</c>: the PyTorch rank-3 vectors
/// through <see cref="Layer.Forward(Tensor, ForwardMode)"/> and <see cref="Layer.Backward(Tensor)"/>, running statistics
/// included, and the gradient check.
/// </summary>
public class BatchNormSequenceTests(ITestOutputHelper output)
{
    public static TheoryData<string> Cases() =>
        [.. Directory.GetFiles(ReferenceFiles.Folder, "rank3_batchnorm1d_*.json").Select(f => Path.GetFileName(f)!)
            .Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardBackward_Rank3Case_MatchPyTorchThroughTheLayer(string fileName)
    {
        var r = ReferenceFiles.Load<BatchNormFunctionsReferenceTests.Rank3Case>(fileName);
        var layer = new BatchNorm(r.C, r.Eps, r.Momentum);
        r.Gamma.CopyTo(layer.Weight!.Value.AsSpan());
        r.Beta.CopyTo(layer.Bias!.Value.AsSpan());
        r.RunningMeanIn.CopyTo(layer.RunningMean!.AsSpan());
        r.RunningVarIn.CopyTo(layer.RunningVar!.AsSpan());
        foreach (var batch in r.HistoryBatches)
        {
            layer.Forward(Tensor.FromSpan(batch, batch.Length / (r.C * r.L), r.C, r.L), ForwardMode.Training);
        }

        var x = Tensor.FromSpan(r.X, r.N, r.C, r.L);
        double worst = 0;
        worst = Math.Max(worst, Worst(layer.Forward(x, ForwardMode.Training).ToArray(), r.YTrain));
        layer.Weight.ZeroGrad();
        layer.Bias!.ZeroGrad();
        worst = Math.Max(worst, Worst(layer.Backward(Tensor.FromSpan(r.Dy, r.N, r.C, r.L)).ToArray(), r.Dx));
        worst = Math.Max(worst, Worst(layer.Weight.Gradient.ToArray(), r.Dgamma));
        worst = Math.Max(worst, Worst(layer.Bias.Gradient.ToArray(), r.Dbeta));
        worst = Math.Max(worst, Worst(layer.RunningMean.ToArray(), r.RunningMeanOut));
        worst = Math.Max(worst, Worst(layer.RunningVar.ToArray(), r.RunningVarOut));
        layer.NumBatchesTracked.Should().Be(r.NumBatchesTracked);

        var xEval = Tensor.FromSpan(r.XEval, r.XEval.Length / (r.C * r.L), r.C, r.L);
        worst = Math.Max(worst, Worst(layer.Forward(xEval, ForwardMode.Inference).ToArray(), r.YEval));
        layer.Weight.ZeroGrad();
        layer.Bias.ZeroGrad();
        worst = Math.Max(worst, Worst(layer.Backward(Tensor.FromSpan(r.DyEval, xEval.Shape.ToArray())).ToArray(), r.DxEval));
        worst = Math.Max(worst, Worst(layer.Weight.Gradient.ToArray(), r.DgammaEval));

        output.WriteLine($"{fileName}: worst deviation {worst:E2}");
        worst.Should().BeLessThanOrEqualTo(1e-10);
    }

    [Theory]
    [InlineData(ForwardMode.Training, 2, 3, 4)]
    [InlineData(ForwardMode.Training, 1, 2, 5)]
    [InlineData(ForwardMode.Inference, 3, 2, 3)]
    public void Backward_Sequence_MatchesFiniteDifferences(ForwardMode mode, int batch, int features, int length)
    {
        var layer = new BatchNorm(features);
        TestData.Normal(1, features, seed: 1, mean: 1, spread: 0.3).AsReadOnlySpan().CopyTo(layer.Weight!.Value.AsSpan());
        layer.Forward(Tensor.FromSpan(TestData.Normal(4, features * length, seed: 2, mean: 12, spread: 5).AsReadOnlySpan(),
            4, features, length), ForwardMode.Training);
        var input = Tensor.FromSpan(TestData.Normal(batch, features * length, seed: 3, mean: 12, spread: 5).AsReadOnlySpan(),
            batch, features, length);

        GradientChecker.CheckLayer(layer, input, mode, upstreamSeed: 4).ShouldPass();
    }

    [Fact]
    public void Forward_OneValuePerFeatureInTraining_ThrowsAndChangesNothing()
    {
        var layer = new BatchNorm(3);

        var act = () => layer.Forward(Tensor.Zeros(1, 3, 1), ForwardMode.Training);

        act.Should().Throw<ArgumentException>().WithMessage("BatchNorm expected more than 1 value per feature*");
        layer.NumBatchesTracked.Should().Be(0);
    }

    [Fact]
    public void Constructor_MoreFeaturesThanAnArrayHolds_ThrowsArgumentOutOfRangeNotOutOfMemory()
    {
        var act = () => new BatchNorm(int.MaxValue);

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("numFeatures must be at most *");
    }

    private static double Worst(double[] actual, double[] expected)
    {
        actual.Should().HaveCount(expected.Length);
        double scale = expected.Select(Math.Abs).DefaultIfEmpty(0).Max();
        double worst = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]) / Math.Max(scale, 1e-300));
        }
        return worst;
    }
}
