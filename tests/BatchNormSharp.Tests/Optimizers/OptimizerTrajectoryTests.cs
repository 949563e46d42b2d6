using System.Globalization;
using System.Text.Json;

namespace BatchNormSharp.Tests.Optimizers;

/// <summary>
/// Each optimizer against a <c>torch.optim</c> trajectory: Dense(4,10) → BatchNorm(10) → ReLU → Dense(10,3) as a
/// <see cref="Sequential"/>, softmax cross-entropy (or Dense(10,1) and binary cross-entropy from logits), 30 steps from the same initial weights and batches in the
/// generator's order (zero_grad, forward, loss, backward, step). Every loss, every final parameter, the running
/// statistics and every tensor of the optimizer's state must lie within 1e-10 (<see cref="Deviation"/>).
/// </summary>
public class OptimizerTrajectoryTests(ITestOutputHelper output)
{
    public static TheoryData<string> Cases() =>
    [
        "optimizer_adam_trajectory.json",
        "optimizer_adam_amsgrad_wd_trajectory.json",
        "optimizer_adamw_trajectory.json",
        "optimizer_adamw_amsgrad_trajectory.json",
        "optimizer_sgd_momentum_trajectory.json",
        "optimizer_sgd_nesterov_trajectory.json",
        "optimizer_adam_bce_trajectory.json",
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Training30Steps_Optimizer_MatchesPyTorchTrajectory(string fileName)
    {
        var reference = ReferenceFiles.Load<OptimizerTrajectory>(fileName);
        var (model, dense1, norm, dense2) = Build(reference);
        var optimizer = CreateOptimizer(reference, Trained(model, reference));
        ILoss loss = reference.Loss == "bce_with_logits"
            ? new BinaryCrossEntropyWithLogits(reference.PosWeight)
            : new SoftmaxCrossEntropy();
        var table = new DeviationTable(fileName);

        reference.Batches.Length.Should().BeGreaterOrEqualTo(25);
        for (int step = 0; step < reference.Batches.Length; step++)
        {
            var batch = reference.Batches[step];
            optimizer.ZeroGrad();
            var logits = model.Forward(Tensor.FromRows(batch.X), ForwardMode.Training);
            // Through ILoss: class indices [N] for the cross-entropy, 0/1 targets [N, 1] for the binary loss.
            double[] labels = [.. batch.Labels.Select(label => (double)label)];
            double value = loss.Forward(logits, logits.Shape[1] == 1
                ? Tensor.FromSpan(labels, labels.Length, 1)
                : Tensor.FromArray(labels));
            model.Backward(loss.Backward());
            optimizer.Step();
            table.Add(string.Create(CultureInfo.InvariantCulture, $"loss[{step}]"),
                Deviation.OfScalar(value, reference.Losses[step]));
        }

        for (int i = 0; i < OptimizerTrajectory.ParameterNames.Length; i++)
        {
            string name = OptimizerTrajectory.ParameterNames[i];
            table.Add(name, Compare(model.Parameters[i].Value, reference.Final[name]));
        }
        table.Add("running_mean", Deviation.OfVector(norm.RunningMean!.AsReadOnlySpan(), reference.Running.Mean));
        table.Add("running_var", Deviation.OfVector(norm.RunningVar!.AsReadOnlySpan(), reference.Running.Var));
        norm.NumBatchesTracked.Should().Be(reference.Running.NumBatchesTracked);
        CompareState(optimizer, model, reference, table);

        table.WriteTo(output);
        table.ShouldAllBeWithin();
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void StateDict_AfterTheTrajectory_NamesEveryEntryInPyTorchLayout(string fileName)
    {
        var reference = ReferenceFiles.Load<OptimizerTrajectory>(fileName);
        var (model, _, _, _) = Build(reference);
        var optimizer = CreateOptimizer(reference, Trained(model, reference));

        var state = optimizer.StateDict(model);

        string[] torchNames = ["0.weight", "0.bias", "1.weight", "1.bias", "3.weight", "3.bias"];
        var expected = new List<string>();
        if (reference.State.ContainsKey("step"))
        {
            expected.Add("step");
        }
        for (int i = 0; i < torchNames.Length; i++)
        {
            if (!reference.State.ContainsKey(OptimizerTrajectory.ParameterNames[i]))
            {
                continue;
            }
            expected.AddRange(reference.State[OptimizerTrajectory.ParameterNames[i]].EnumerateObject()
                .Select(property => torchNames[i] + "." + property.Name));
        }
        state.Keys.Should().BeEquivalentTo(expected);
        var weightStateShapes = state.Keys.Where(key => key.StartsWith("0.weight.", StringComparison.Ordinal))
            .Select(key => string.Join(",", state[key].Shape.ToArray()) is var s ? "[" + s.Replace(",", ", ", StringComparison.Ordinal) + "]" : "").ToList();
        weightStateShapes.Should().NotBeEmpty().And.OnlyContain(shape => shape == "[10, 4]",
            "state of a Dense weight has PyTorch's [out, in] layout");
        state.Metadata["optimizer"].Should().Be(optimizer.GetType().Name);
    }

    /// <summary>The reference network as a <see cref="Sequential"/>, loaded with the file's initial weights.</summary>
    private static (Sequential Model, Dense Dense1, BatchNorm Norm, Dense Dense2) Build(OptimizerTrajectory reference)
    {
        var dense1 = new Dense(4, 10, seed: 0);
        var norm = new BatchNorm(10, reference.BnEps, reference.BnMomentum);
        var dense2 = new Dense(10, reference.Final["b2"].GetArrayLength(), seed: 0);
        var model = new Sequential(dense1, norm, new ReLU(), dense2);
        for (int i = 0; i < OptimizerTrajectory.ParameterNames.Length; i++)
        {
            OptimizerTrajectory.Flatten(reference.Init[OptimizerTrajectory.ParameterNames[i]])
                .CopyTo(model.Parameters[i].Value.AsSpan());
        }
        return (model, dense1, norm, dense2);
    }

    private static IOptimizer CreateOptimizer(OptimizerTrajectory reference, IReadOnlyList<Parameter> parameters)
    {
        double lr = reference.HyperDouble("lr", double.NaN);
        double weightDecay = reference.HyperDouble("weight_decay", 0.0);
        if (reference.Optimizer == "SGD")
        {
            return new SgdMomentum(parameters, lr, reference.HyperDouble("momentum", 0.0), weightDecay,
                reference.HyperBool("nesterov"));
        }
        var betas = reference.Hyper["betas"];
        double beta1 = betas[0].GetDouble(), beta2 = betas[1].GetDouble(), eps = reference.HyperDouble("eps", 1e-8);
        bool amsgrad = reference.HyperBool("amsgrad");
        return reference.Optimizer switch
        {
            "Adam" => new Adam(parameters, lr, beta1, beta2, eps, weightDecay, amsgrad),
            "AdamW" => new AdamW(parameters, lr, beta1, beta2, eps, weightDecay, amsgrad),
            _ => throw new InvalidDataException($"Unknown optimizer {reference.Optimizer}."),
        };
    }

    /// <summary>The parameters the generator's optimizer trains (all but the bias before the BatchNorm, see the generator).</summary>
    private static List<Parameter> Trained(Sequential model, OptimizerTrajectory reference) =>
        [.. reference.Trained.Select(name => model.Parameters[Array.IndexOf(OptimizerTrajectory.ParameterNames, name)])];

    private static void CompareState(IOptimizer optimizer, Sequential model, OptimizerTrajectory reference,
        DeviationTable table)
    {
        int compared = 0;
        foreach (var entry in optimizer.State)
        {
            if (entry.ParameterIndex is not int index)
            {
                entry.Value.AsReadOnlySpan()[0].Should().Be(reference.State[entry.Name].GetDouble(),
                    "the step count must be PyTorch's");
                continue;
            }
            string name = OptimizerTrajectory.ParameterNames[IndexIn(model.Parameters, optimizer.Parameters[index])];
            table.Add($"{name}.{entry.Name}", Compare(entry.Value, reference.State[name].GetProperty(entry.Name)));
            compared++;
        }
        compared.Should().Be(reference.State.Where(s => s.Key != "step").Sum(s => s.Value.EnumerateObject().Count()),
            "every state tensor PyTorch keeps must exist here too");
    }

    private static int IndexIn(IReadOnlyList<Parameter> parameters, Parameter parameter)
    {
        for (int i = 0; i < parameters.Count; i++)
        {
            if (ReferenceEquals(parameters[i], parameter))
            {
                return i;
            }
        }
        throw new InvalidOperationException($"{parameter} is not a parameter of the model.");
    }

    /// <summary>A matrix column by column, a vector against its largest magnitude (moments are centred on zero).</summary>
    private static double Compare(Tensor actual, JsonElement reference)
    {
        if (actual.Rank == 2)
        {
            return Deviation.OfMatrix(actual, OptimizerTrajectory.Rows(reference));
        }
        double[] expected = OptimizerTrajectory.Flatten(reference);
        return Deviation.OfMatrix(Tensor.FromSpan(actual.AsReadOnlySpan(), expected.Length, 1),
            [.. expected.Select(x => new[] { x })]);
    }
}
