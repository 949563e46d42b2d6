using System.Reflection;
using BatchNormSharp.Tests.Helpers;

namespace BatchNormSharp.Tests.Hardening;

/// <summary>
/// Runs the bad-input catalogue: each case must throw the public exception type it names, with a message that says
/// what was expected and what came, and leave every parameter, gradient, momentum buffer and running statistic
/// (<c>num_batches_tracked</c> included) bit for bit as it was.
/// </summary>
public class BadInputCatalogueTests
{
    public static TheoryData<string> CaseNames => [.. BadInputCatalogue.Cases.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Case_BadInput_ThrowsTheNamedExceptionWithItsMessageAndChangesNothing(string name)
    {
        var badInput = BadInputCatalogue.Find(name);
        using var fixture = CatalogueFixture.Create();
        badInput.Arrange?.Invoke(fixture);
        var before = FixtureSnapshot.Of(fixture);

        var act = () => badInput.Act(fixture);

        if (badInput.Exception is null)
        {
            act.Should().NotThrow("case '{0}' must be refused without an exception", name);
        }
        else
        {
            var thrown = act.Should().Throw<Exception>("case '{0}' is bad input", name).Which;
            PublicType(thrown.GetType()).Should().Be(badInput.Exception, "case '{0}' threw {1}", name, thrown);
            thrown.Message.Should().Match(badInput.MessagePattern, "case '{0}' must say what was expected and what came", name);
        }
        before.ShouldBeUnchanged($"case '{name}' must change nothing ({before})");
    }

    [Fact]
    public void Catalogue_Cases_AreAtLeast25AndDistinct()
    {
        var cases = BadInputCatalogue.Cases;

        cases.Should().HaveCountGreaterThanOrEqualTo(25);
        cases.Select(c => c.Name).Should().OnlyHaveUniqueItems();
        cases.Select(c => c.MessagePattern).Should().OnlyHaveUniqueItems("each case checks its own message");
    }

    [Fact]
    public void Fixture_TrainedABit_HasNonZeroGradientsMomentumAndMovedStatistics()
    {
        // Otherwise "unchanged" would prove little: a zero gradient stays zero under many bugs.
        var fixture = CatalogueFixture.Create();

        fixture.Model.Parameters.Should().OnlyContain(p => p.Gradient.AsReadOnlySpan().ToArray().Any(g => g != 0));
        fixture.Optimizer.Velocities.Should().OnlyContain(v => v.AsReadOnlySpan().ToArray().Any(x => x != 0));
        var batchNorm = (BatchNorm)fixture.Layer(1);
        batchNorm.NumBatchesTracked.Should().Be(10);
        batchNorm.RunningMean!.ToArray().Should().NotContain(0.0);
        batchNorm.RunningVar!.ToArray().Should().NotContain(1.0);
    }

    [Fact]
    public void Snapshot_OfModelAndOptimizer_NoticesAChangedMomentumBuffer()
    {
        var fixture = CatalogueFixture.Create();
        var before = StateSnapshot.Of(fixture.Model, fixture.Optimizer);

        fixture.Optimizer.Velocities[2].AsSpan()[0] = Math.BitIncrement(fixture.Optimizer.Velocities[2].AsSpan()[0]);

        before.FirstDifference().Should().StartWith("optimizer.velocity[2][0] was");
    }

    [Theory]
    [InlineData("loss probabilities", "the loss's probabilities changed")]
    [InlineData("loss labels", "the loss's pending gradient changed")]
    [InlineData("loss consumed", "the loss lost its pending forward pass")]
    [InlineData("random", "the random source was drawn from")]
    [InlineData("vector", "the vector was [1.5, -2.5, 3.5]")]
    [InlineData("file mode", "file model.safetensors changed its permissions")]
    [InlineData("file bytes", "file model.safetensors changed its bytes")]
    [InlineData("new file", "files appeared: extra")]
    [InlineData("mode", "the mode of")]
    [InlineData("other model", "the other model: ")]
    public void FixtureSnapshot_EachThingACaseCouldChange_IsNoticed(string change, string expected)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // permission bits are Unix's
        }
        using var fixture = CatalogueFixture.Create();
        string path = fixture.WriteFile("model.safetensors", fixture.SavedModel());
        fixture.Other = TrainingData.IrisModel(seed: 5);
        var before = FixtureSnapshot.Of(fixture);

        switch (change)
        {
            case "loss probabilities": fixture.Loss.Forward(TrainingData.RandomInputs(8, 3, seed: 9), fixture.LossLabels); break;
            case "loss labels": fixture.Loss.Forward(TrainingData.RandomInputs(8, 3, seed: 26), [1, 1, 1, 1, 1, 1, 1, 1]); break;
            case "loss consumed": fixture.Loss.Backward(); break;
            case "random": fixture.Random.Next(); break;
            case "vector": fixture.Vector[1] = 0.0; break;
            case "file mode": File.SetUnixFileMode(path, UnixFileMode.UserRead); break;
            case "file bytes": File.WriteAllBytes(path, [1, 2, 3]); break;
            case "new file": fixture.WriteFile("extra", []); break;
            case "mode": fixture.Layer(2).Eval(); break;
            default: fixture.Other.Parameters[0].Gradient.AsSpan()[0] += 1; break;
        }

        before.FirstDifference().Should().StartWith(expected);
    }

    /// <summary>The type a caller can name: an internal exception type counts as the public type it derives from.</summary>
    private static Type PublicType(Type type)
    {
        while (!type.IsPublic)
        {
            type = type.BaseType!;
        }
        return type;
    }
}
