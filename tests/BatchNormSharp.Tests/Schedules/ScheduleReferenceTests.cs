using System.Globalization;
using System.Text.Json;

namespace BatchNormSharp.Tests.Schedules;

/// <summary>
/// Every schedule against <c>torch.optim.lr_scheduler</c> (<c>clip_and_schedules.json</c>): the learning rate after
/// each step, to 1e-12 relative (the plateau cases driven by the file's metric sequence).
/// </summary>
public class ScheduleReferenceTests(ITestOutputHelper output)
{
    private const double Limit = 1e-12;

    public static TheoryData<string> Cases() =>
    [
        "step_lr", "exponential_lr", "cosine_t10", "cosine_t7_eta0", "plateau_min_rel", "plateau_max_abs",
        "plateau_min_defaults",
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Step_ReferenceSequence_MatchesPyTorch(string name)
    {
        var root = ClipAndSchedulesReference.Root();
        var reference = root.GetProperty("schedules").GetProperty(name);
        double[] metrics = [.. root.GetProperty("metrics").EnumerateArray().Select(m => m.GetDouble())];
        double[] expected = [.. reference.GetProperty("lrs").EnumerateArray().Select(m => m.GetDouble())];
        var optimizer = new SgdMomentum([new Parameter("weight", Tensor.Zeros(1))], reference.GetProperty("lr0").GetDouble());
        var options = reference.GetProperty("options");
        Action<int> step = Create(optimizer, options, metrics);

        double worst = 0.0;
        int worstAt = -1;
        var changes = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double before = optimizer.LearningRate;
            step(i);
            changes += optimizer.LearningRate != before ? 1 : 0;
            double deviation = Deviation.OfScalar(optimizer.LearningRate, expected[i]);
            if (deviation > worst)
            {
                (worst, worstAt) = (deviation, i);
            }
            deviation.Should().BeLessThanOrEqualTo(Limit, "the lr after step {0} must be PyTorch's {1:R}", i + 1, expected[i]);
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: {expected.Length} steps, {changes} changes, worst deviation {worst:E2} at step {worstAt + 1}"));
    }

    private static Action<int> Create(IOptimizer optimizer, JsonElement options, double[] metrics)
    {
        string kind = options.GetProperty("kind").GetString()!;
        double Get(string key) => options.GetProperty(key).GetDouble();
        switch (kind)
        {
            case "step":
                var stepLr = new StepLR(optimizer, options.GetProperty("step_size").GetInt32(), Get("gamma"));
                return _ => stepLr.Step();
            case "exponential":
                var exponential = new ExponentialLR(optimizer, Get("gamma"));
                return _ => exponential.Step();
            case "cosine":
                var cosine = new CosineAnnealingLR(optimizer, options.GetProperty("t_max").GetInt32(), Get("eta_min"));
                return _ => cosine.Step();
            default:
                var plateau = new ReduceLROnPlateau(optimizer,
                    options.GetProperty("mode").GetString() == "max" ? PlateauMode.Max : PlateauMode.Min,
                    Get("factor"), options.GetProperty("patience").GetInt32(), Get("threshold"),
                    options.GetProperty("threshold_mode").GetString() == "abs" ? ThresholdMode.Absolute : ThresholdMode.Relative,
                    options.GetProperty("cooldown").GetInt32(), Get("min_lr"));
                return i => plateau.Step(metrics[i]);
        }
    }
}
