using System.Text.Json;

namespace BatchNormSharp.Tests.Optimizers;

/// <summary>
/// <see cref="GradientClipping"/> against <c>torch.nn.utils.clip_grad_norm_</c> and <c>clip_grad_value_</c>
/// (<c>clip_and_schedules.json</c>): the returned total norm and every gradient afterwards, to 1e-12 relative.
/// </summary>
public class GradientClippingTests(ITestOutputHelper output)
{
    private const double Limit = 1e-12;

    public static TheoryData<string> NormCases() =>
        ["norm2_clipped", "norm2_not_clipped", "norm1_clipped", "norm3_clipped", "norm_inf_clipped", "norm_inf_not_clipped"];

    [Theory]
    [MemberData(nameof(NormCases))]
    public void ClipGradNorm_ReferenceCase_MatchesPyTorch(string name)
    {
        var root = ClipAndSchedulesReference.Root();
        var reference = root.GetProperty("clip").GetProperty(name);
        var parameters = ClipAndSchedulesReference.Parameters(root);
        var normType = reference.GetProperty("norm_type");
        double p = normType.ValueKind == JsonValueKind.String ? double.PositiveInfinity : normType.GetDouble();

        double total = GradientClipping.ClipGradNorm(parameters, reference.GetProperty("max_norm").GetDouble(), p);

        var table = new DeviationTable(name);
        table.Add("total_norm", Deviation.OfScalar(total, reference.GetProperty("total_norm").GetDouble()));
        AddGradients(table, parameters, reference);
        table.WriteTo(output);
        table.ShouldAllBeWithin(Limit);
    }

    [Fact]
    public void ClipGradValue_ReferenceCase_MatchesPyTorchExactly()
    {
        var root = ClipAndSchedulesReference.Root();
        var reference = root.GetProperty("clip").GetProperty("value_2");
        var parameters = ClipAndSchedulesReference.Parameters(root);

        GradientClipping.ClipGradValue(parameters, reference.GetProperty("clip_value").GetDouble());

        var table = new DeviationTable("value_2");
        AddGradients(table, parameters, reference);
        table.WriteTo(output);
        table.ShouldAllBeWithin(0.0);
    }

    [Fact]
    public void ClipGradNorm_BelowTheLimit_LeavesGradientsBitForBit()
    {
        var parameters = ClipAndSchedulesReference.Parameters(ClipAndSchedulesReference.Root());
        var before = parameters.SelectMany(p => p.Gradient.ToArray()).ToArray();

        GradientClipping.ClipGradNorm(parameters, maxNorm: 1e3);

        parameters.SelectMany(p => p.Gradient.ToArray()).Should().Equal(before);
    }

    [Fact]
    public void ClipGradNorm_NaNGradientWithErrorIfNonFinite_ThrowsAndChangesNothing()
    {
        var parameters = ClipAndSchedulesReference.Parameters(ClipAndSchedulesReference.Root());
        parameters[1].Gradient[0] = double.NaN;
        var before = parameters.SelectMany(p => p.Gradient.ToArray()).Select(BitConverter.DoubleToInt64Bits).ToArray();

        var act = () => GradientClipping.ClipGradNorm(parameters, 1.0, errorIfNonFinite: true);

        act.Should().Throw<ArgumentException>().WithMessage("The total norm of order 2 of the gradients is NaN*");
        parameters.SelectMany(p => p.Gradient.ToArray()).Select(BitConverter.DoubleToInt64Bits).Should().Equal(before);
    }

    [Theory]
    [InlineData(-1.0, 2.0, "maxNorm")]
    [InlineData(1.0, 0.0, "normType")]
    [InlineData(1.0, double.NaN, "normType")]
    public void ClipGradNorm_BadArgument_Throws(double maxNorm, double normType, string name)
    {
        var act = () => GradientClipping.ClipGradNorm([new Parameter("w", Tensor.Zeros(2))], maxNorm, normType);

        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(name);
    }

    [Fact]
    public void ClipGradNorm_NoParameters_ReturnsZero() =>
        GradientClipping.ClipGradNorm([], 1.0).Should().Be(0.0);

    [Fact]
    public void Clipping_WarmedUp_AllocatesNothing()
    {
        var parameters = ClipAndSchedulesReference.Parameters(ClipAndSchedulesReference.Root());
        IReadOnlyList<Parameter> list = parameters;
        GradientClipping.ClipGradNorm(list, 1.0);

        long allocated = AllocationMeter.BytesAllocatedBy(() =>
        {
            GradientClipping.ClipGradNorm(list, 1.0, 3.0);
            GradientClipping.ClipGradValue(list, 0.1);
        });

        allocated.Should().Be(0);
    }

    private static void AddGradients(DeviationTable table, Parameter[] parameters, JsonElement reference)
    {
        var after = reference.GetProperty("grads_after").EnumerateArray().ToArray();
        for (int i = 0; i < parameters.Length; i++)
        {
            double[] expected = OptimizerTrajectory.Flatten(after[i]);
            table.Add($"grad[{i}]", Deviation.OfMatrix(
                Tensor.FromSpan(parameters[i].Gradient.AsReadOnlySpan(), expected.Length, 1),
                [.. expected.Select(x => new[] { x })]));
        }
    }
}
