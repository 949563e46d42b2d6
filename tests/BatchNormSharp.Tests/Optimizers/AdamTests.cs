using BatchNormSharp.Kernels;
using BatchNormSharp.Tests.Helpers;

namespace BatchNormSharp.Tests.Optimizers;

public class AdamTests
{
    [Fact]
    public void Constructor_Defaults_ArePyTorchs()
    {
        var adam = new Adam([new Parameter("weight", Tensor.Zeros(2))]);
        var adamW = new AdamW([new Parameter("weight", Tensor.Zeros(2))]);

        (adam.LearningRate, adam.Beta1, adam.Beta2, adam.Epsilon, adam.WeightDecay, adam.Amsgrad)
            .Should().Be((1e-3, 0.9, 0.999, 1e-8, 0.0, false));
        (adamW.LearningRate, adamW.Beta1, adamW.Beta2, adamW.Epsilon, adamW.WeightDecay, adamW.Amsgrad)
            .Should().Be((1e-3, 0.9, 0.999, 1e-8, 1e-2, false));
    }

    [Theory]
    [InlineData(1.0, 0.999, 1e-8, 0.0, "beta1")]
    [InlineData(0.9, -0.1, 1e-8, 0.0, "beta2")]
    [InlineData(0.9, 0.999, -1e-8, 0.0, "epsilon")]
    [InlineData(0.9, 0.999, 1e-8, double.NaN, "weightDecay")]
    public void Constructor_HyperParameterOutOfRange_ThrowsNamingIt(double beta1, double beta2, double eps,
        double weightDecay, string name)
    {
        var act = () => new Adam([new Parameter("weight", Tensor.Zeros(2))], 1e-3, beta1, beta2, eps, weightDecay);

        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(name);
    }

    [Fact]
    public void Constructor_ParameterListedTwice_Throws()
    {
        var parameter = new Parameter("weight", Tensor.Zeros(2));

        var act = () => new AdamW([parameter, parameter]);

        act.Should().Throw<ArgumentException>().WithMessage("*parameter 1 (weight [2]) appears more than once*");
    }

    [Fact]
    public void Step_First_MovesEachValueByTheLearningRateAgainstItsGradientsSign()
    {
        // After bias correction the first step is lr · g / (|g| + eps): almost exactly lr against the sign of g.
        var parameter = new Parameter("weight", Tensor.FromArray([1.0, 2.0, 3.0]));
        TestData.Set(parameter.Gradient, 0.5, -4.0, 1e-3);
        var adam = new Adam([parameter], learningRate: 0.1);

        adam.Step();

        parameter.Value.ToArray().Should().Equal(
            [1.0 - (0.1 * 0.5 / (0.5 + 1e-8)), 2.0 + (0.1 * 4.0 / (4.0 + 1e-8)), 3.0 - (0.1 * 1e-3 / (1e-3 + 1e-8))],
            (a, b) => Math.Abs(a - b) <= 1e-15);
        adam.Steps.Should().Be(1);
    }

    [Fact]
    public void Step_ZeroGradientWithWeightDecay_AdamWShrinksByLrTimesDecayButAdamMovesByLr()
    {
        var forAdamW = new Parameter("weight", Tensor.FromArray([2.0]));
        var forAdam = new Parameter("weight", Tensor.FromArray([2.0]));
        var adamW = new AdamW([forAdamW], learningRate: 0.1, weightDecay: 0.5);
        var adam = new Adam([forAdam], learningRate: 0.1, weightDecay: 0.5);

        adamW.Step();
        adam.Step();

        // Decoupled: p · (1 - lr · wd) and no gradient step. Coupled: g = wd · p = 1, a full Adam step of lr.
        forAdamW.Value[0].Should().Be(2.0 * (1.0 - (0.1 * 0.5)));
        forAdam.Value[0].Should().BeApproximately(1.9, 1e-7);
    }

    [Fact]
    public void State_Amsgrad_ListsStepThenThreeTensorsPerParameter()
    {
        var model = TrainingData.IrisModel(seed: 1);
        var adam = new Adam(model.Parameters, amsgrad: true);

        adam.State.Select(entry => entry.Name).Should().StartWith(["step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"]);
        adam.State.Should().HaveCount(1 + (3 * model.Parameters.Count));
        adam.StateDict(model).IsInteger("step").Should().BeTrue();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SaveAndResume_FiveStepsThenFiveMore_IsBitIdenticalToTenStraight(bool decoupled)
    {
        var (inputs, labels) = TrainingData.Clusters(40, 4, 3, seed: 1);
        var straight = TrainingData.IrisModel(seed: 7);
        OptimizerStateExtensionsTests.TrainSteps(straight, Create(straight, decoupled), inputs, labels, 0, 10);

        var interrupted = TrainingData.IrisModel(seed: 7);
        var interruptedOptimizer = Create(interrupted, decoupled);
        OptimizerStateExtensionsTests.TrainSteps(interrupted, interruptedOptimizer, inputs, labels, 0, 5);
        using var folder = new TemporaryFolder();
        SafeTensors.Save(interrupted.StateDict(), folder.File("model.safetensors"));
        SafeTensors.Save(interruptedOptimizer.StateDict(interrupted), folder.File("optimizer.safetensors"));

        var resumed = TrainingData.IrisModel(seed: 12345);
        var resumedOptimizer = Create(resumed, decoupled);
        resumed.LoadStateDict(SafeTensors.Load(folder.File("model.safetensors")));
        resumedOptimizer.LoadStateDict(resumed, SafeTensors.Load(folder.File("optimizer.safetensors")));
        OptimizerStateExtensionsTests.TrainSteps(resumed, resumedOptimizer, inputs, labels, 5, 5);

        TrainingData.AllValues(resumed).Select(BitConverter.DoubleToInt64Bits)
            .Should().Equal(TrainingData.AllValues(straight).Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void LoadStateDict_StateWithoutAmsgradIntoAmsgrad_ThrowsNamingTheMissingAndChangesNothing()
    {
        var (inputs, labels) = TrainingData.Clusters(16, 4, 3, seed: 1);
        var model = TrainingData.IrisModel(seed: 1);
        var amsgrad = new Adam(model.Parameters, amsgrad: true);
        OptimizerStateExtensionsTests.TrainSteps(model, amsgrad, inputs, labels, 0, 2);
        var before = amsgrad.StateDict(model);
        var plain = new Adam(model.Parameters).StateDict(model);

        var act = () => amsgrad.LoadStateDict(model, plain);

        act.Should().Throw<ArgumentException>().WithMessage(
            "The optimizer state does not fit the optimizer (nothing was loaded):*Missing (8): 0.weight.max_exp_avg_sq, 0.bias.max_exp_avg_sq*");
        amsgrad.StateDict(model).Values.SelectMany(t => t.ToArray())
            .Should().Equal(before.Values.SelectMany(t => t.ToArray()));
        amsgrad.Steps.Should().Be(2);
    }

    [Fact]
    public void LoadStateDict_NegativeStep_ThrowsInvalidCount()
    {
        var model = TrainingData.IrisModel(seed: 1);
        var adam = new AdamW(model.Parameters);
        var state = adam.StateDict(model);
        var bad = new StateDictionary();
        foreach (var (name, tensor) in state)
        {
            bad.Add(name, name == "step" ? Tensor.Full(-1.0) : tensor, name == "step");
        }

        var act = () => adam.LoadStateDict(model, bad);

        act.Should().Throw<ArgumentException>().WithMessage("*Invalid count (1): step: expected a whole number of 0 or more*");
    }

    [Fact]
    public void Step_IrisNetworkWarmedUp_AllocatesNothing()
    {
        var model = TrainingData.IrisModel(seed: 3);
        var (inputs, labels) = TrainingData.Clusters(32, 4, 3, seed: 2);
        var optimizer = new Adam(model.Parameters, amsgrad: true, weightDecay: 0.01);
        var loss = new SoftmaxCrossEntropy();
        void Step()
        {
            optimizer.ZeroGrad();
            loss.Forward(model.Forward(inputs, ForwardMode.Training), labels);
            model.Backward(loss.Backward());
            optimizer.Step();
        }

        long allocated = KernelThreads.Run(KernelThreading.SingleThread, () =>
        {
            for (int i = 0; i < 3; i++)
            {
                Step();
            }
            return AllocationMeter.BytesAllocatedBy(() =>
            {
                for (int i = 0; i < 5; i++)
                {
                    Step();
                }
            });
        });

        allocated.Should().Be(0);
    }

    [Fact]
    public void Step_AdamAlone_AllocatesNothing()
    {
        var model = TrainingData.IrisModel(seed: 3);
        var adam = new AdamW(model.Parameters, amsgrad: true);
        adam.Step();

        long allocated = AllocationMeter.BytesAllocatedBy(() =>
        {
            for (int i = 0; i < 10; i++)
            {
                adam.Step();
            }
        });

        allocated.Should().Be(0);
    }

    private static IOptimizer Create(Sequential model, bool decoupled) => decoupled
        ? new AdamW(model.Parameters, learningRate: 0.01, weightDecay: 0.1, amsgrad: true)
        : new Adam(model.Parameters, learningRate: 0.01, weightDecay: 0.01, amsgrad: true);
}
