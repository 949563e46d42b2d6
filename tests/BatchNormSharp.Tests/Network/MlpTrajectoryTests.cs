using System.Globalization;
using BatchNormSharp.Kernels;

namespace BatchNormSharp.Tests;

/// <summary>
/// The whole training loop against PyTorch: Dense(4,10) → BatchNorm(10) → ReLU → Dense(10,3) → BatchNorm(3) →
/// softmax cross-entropy, 25 steps of SGD with momentum from the same initial weights, in the generator's order
/// (zero_grad, forward, loss, backward, step). Every loss, every final parameter, the running statistics and the
/// inference probabilities must lie within 1e-10 (<see cref="Deviation"/>).
/// </summary>
public class MlpTrajectoryTests(ITestOutputHelper output)
{
    private const string FileName = "mlp_sgd_momentum_trajectory.json";

    [Fact]
    public void Training25Steps_SgdMomentum_MatchesPyTorchTrajectory()
    {
        var reference = ReferenceFiles.Load<MlpTrajectory>(FileName);
        var network = Network.From(reference);
        var loss = new SoftmaxCrossEntropy();
        var optimizer = new SgdMomentum(network.Layers.SelectMany(l => l.Parameters), reference.Lr, reference.Momentum);
        var table = new DeviationTable("mlp_sgd_momentum_trajectory");

        reference.Batches.Should().HaveCount(25);
        for (int step = 0; step < reference.Batches.Length; step++)
        {
            var batch = reference.Batches[step];
            optimizer.ZeroGrad();
            var logits = LayerChain.Forward(network.Layers, Tensor.FromRows(batch.X), ForwardMode.Training);
            double value = loss.Forward(logits, batch.Labels);
            LayerChain.Backward(network.Layers, loss.Backward());
            optimizer.Step();
            table.Add(string.Create(CultureInfo.InvariantCulture, $"loss[{step}]"),
                Deviation.OfScalar(value, reference.Losses[step]));
        }

        CompareParameters(network, reference.Final, table);
        table.Add("running_mean1", Deviation.OfVector(network.Norm1.RunningMean!.AsReadOnlySpan(), reference.Running.Mean1));
        table.Add("running_var1", Deviation.OfVector(network.Norm1.RunningVar!.AsReadOnlySpan(), reference.Running.Var1));
        table.Add("running_mean2", Deviation.OfVector(network.Norm2.RunningMean!.AsReadOnlySpan(), reference.Running.Mean2));
        table.Add("running_var2", Deviation.OfVector(network.Norm2.RunningVar!.AsReadOnlySpan(), reference.Running.Var2));
        table.Add("probs_eval", Deviation.OfMatrix(InferenceProbabilities(network, reference.XEval), reference.ProbsEval));

        table.WriteTo(output);
        table.ShouldAllBeWithin();
    }

    [Fact]
    public void Network_FromReference_StartsAtTheInitialWeights()
    {
        var reference = ReferenceFiles.Load<MlpTrajectory>(FileName);

        var network = Network.From(reference);

        // The loader, not just training, must be right: W[in][out] is our layout, so no transpose.
        network.Dense1.Weight.Value[3, 9].Should().Be(reference.Init.W1[3][9]);
        network.Dense2.Weight.Value[9, 2].Should().Be(reference.Init.W2[9][2]);
        network.Norm2.Bias!.Value[2].Should().Be(reference.Init.Beta2[2]);
    }

    private static void CompareParameters(Network network, MlpParameters final, DeviationTable table)
    {
        table.Add("W1", Deviation.OfMatrix(network.Dense1.Weight.Value, final.W1));
        table.Add("b1", Deviation.OfVector(network.Dense1.Bias.Value.AsReadOnlySpan(), final.B1));
        table.Add("gamma1", Deviation.OfVector(network.Norm1.Weight!.Value.AsReadOnlySpan(), final.Gamma1));
        table.Add("beta1", Deviation.OfVector(network.Norm1.Bias!.Value.AsReadOnlySpan(), final.Beta1));
        table.Add("W2", Deviation.OfMatrix(network.Dense2.Weight.Value, final.W2));
        table.Add("b2", Deviation.OfVector(network.Dense2.Bias.Value.AsReadOnlySpan(), final.B2));
        table.Add("gamma2", Deviation.OfVector(network.Norm2.Weight!.Value.AsReadOnlySpan(), final.Gamma2));
        table.Add("beta2", Deviation.OfVector(network.Norm2.Bias!.Value.AsReadOnlySpan(), final.Beta2));
    }

    private static Tensor InferenceProbabilities(Network network, double[][] inputs)
    {
        var logits = LayerChain.Forward(network.Layers, Tensor.FromRows(inputs), ForwardMode.Inference);
        int rows = logits.Shape[0], classes = logits.Shape[1];
        var probabilities = Tensor.Zeros(rows, classes);
        Softmax.Rows(logits.AsReadOnlySpan(), rows, classes, probabilities.AsSpan(), new double[rows]);
        return probabilities;
    }

    /// <summary>The reference network, built with our layers and loaded with the file's initial weights.</summary>
    private sealed class Network
    {
        private Network(MlpTrajectory reference)
        {
            // The seed is irrelevant: every weight is overwritten from the file.
            Dense1 = new Dense(4, 10, seed: 0);
            Norm1 = new BatchNorm(10, reference.BnEps, reference.BnMomentum);
            Dense2 = new Dense(10, 3, seed: 0);
            Norm2 = new BatchNorm(3, reference.BnEps, reference.BnMomentum);
            Layers = [Dense1, Norm1, new ReLU(), Dense2, Norm2];
        }

        public Dense Dense1 { get; }

        public BatchNorm Norm1 { get; }

        public Dense Dense2 { get; }

        public BatchNorm Norm2 { get; }

        public Layer[] Layers { get; }

        public static Network From(MlpTrajectory reference)
        {
            var network = new Network(reference);
            var init = reference.Init;
            Tensor.FromRows(init.W1).AsSpan().CopyTo(network.Dense1.Weight.Value.AsSpan());
            TestData.Set(network.Dense1.Bias.Value, init.B1);
            TestData.Set(network.Norm1.Weight!.Value, init.Gamma1);
            TestData.Set(network.Norm1.Bias!.Value, init.Beta1);
            Tensor.FromRows(init.W2).AsSpan().CopyTo(network.Dense2.Weight.Value.AsSpan());
            TestData.Set(network.Dense2.Bias.Value, init.B2);
            TestData.Set(network.Norm2.Weight!.Value, init.Gamma2);
            TestData.Set(network.Norm2.Bias!.Value, init.Beta2);
            return network;
        }
    }
}
