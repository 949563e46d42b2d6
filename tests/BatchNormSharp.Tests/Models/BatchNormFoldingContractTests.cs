using BatchNormSharp.Tests.Helpers;
using SomeUser.Layers;

namespace BatchNormSharp.Tests.Models;

/// <summary>Folding through the layer contract: any per-feature affine layer after any absorbing layer, and any
/// describable layer copied, with no layer type named in the library.</summary>
public class BatchNormFoldingContractTests(ITestOutputHelper output)
{
    [Fact]
    public void FoldBatchNorm_NormalizationAfterDense_IsFoldedAndPredictsTheSameTo1e12()
    {
        var inputs = TestData.Normal(30, 4, seed: 3, mean: 12.0, spread: 5.0);
        var first = new Dense(4, 3, seed: 1);
        var normalization = new Normalization(3).Adapt(first.Forward(inputs.Clone(), ForwardMode.Inference).Clone());
        var model = new Sequential(first, normalization, new ReLU(), new Dense(3, 2, seed: 2));

        var folded = model.FoldBatchNorm();

        folded.Layers.Select(l => l.GetType()).Should().Equal(typeof(Dense), typeof(ReLU), typeof(Dense));
        double deviation = Deviation(folded, model, inputs);
        output.WriteLine($"Dense + Normalization folded vs unfolded: {deviation:E2}");
        deviation.Should().BeLessThanOrEqualTo(1e-12);
    }

    [Fact]
    public void FoldBatchNorm_UserAffineLayerAfterDense_IsFoldedWithoutAnyEditInTheLibrary()
    {
        AffineShift.Register();
        var affine = new AffineShift(3);
        for (int j = 0; j < 3; j++)
        {
            affine.Scale.Value[j] = 0.5 + j;
            affine.Shift.Value[j] = -2.0 + (1.5 * j);
        }
        var model = new Sequential(new Dense(4, 3, seed: 5), affine, new Tanh(), new Dense(3, 2, seed: 6));
        var inputs = TestData.Normal(10, 4, seed: 7, mean: 1.0, spread: 2.0);

        var folded = model.FoldBatchNorm();

        folded.Layers.Select(l => l.GetType()).Should().Equal(typeof(Dense), typeof(Tanh), typeof(Dense));
        Deviation(folded, model, inputs).Should().BeLessThanOrEqualTo(1e-12);
    }

    [Fact]
    public void FoldBatchNorm_UserAffineLayerNotAfterAnAbsorbingLayer_IsCopied()
    {
        AffineShift.Register();
        var affine = new AffineShift(4);
        affine.Scale.Value.Fill(3.0);
        var model = new Sequential(affine, new Dense(4, 2, seed: 8));

        var folded = model.FoldBatchNorm();

        folded.Layers[0].Should().BeOfType<AffineShift>().And.NotBeSameAs(affine);
        ((AffineShift)folded.Layers[0]).Scale.Value.ToArray().Should().Equal(affine.Scale.Value.ToArray());
    }

    [Fact]
    public void FoldBatchNorm_SequenceModel_CopiesTheRecurrentLayersAndFoldsTheHead()
    {
        var bn = new BatchNorm(3);
        for (int j = 0; j < 3; j++)
        {
            bn.RunningMean![j] = 0.1 * j;
            bn.RunningVar![j] = 1.0 + j;
        }
        var model = new Sequential(new LSTM(2, 4, seed: 1, returnSequences: true), new LastTimeStep(),
            new Dense(4, 3, seed: 2), bn, new Sigmoid());
        var inputs = TestData.NormalShaped([6, 5, 2], seed: 3, mean: 12, spread: 5);

        var folded = model.FoldBatchNorm();

        folded.Layers.Select(l => l.GetType()).Should().Equal(typeof(LSTM), typeof(LastTimeStep), typeof(Dense),
            typeof(Sigmoid));
        Deviation(folded, model, inputs).Should().BeLessThanOrEqualTo(1e-12);
    }

    private static double Deviation(Sequential folded, Sequential model, Tensor inputs)
    {
        double[] a = folded.Forward(inputs.Clone(), ForwardMode.Inference).ToArray();
        double[] b = model.Forward(inputs.Clone(), ForwardMode.Inference).ToArray();
        double scale = Math.Max(b.Max(Math.Abs), 1.0);
        return a.Zip(b, (x, y) => Math.Abs(x - y)).Max() / scale;
    }
}
