namespace BatchNormSharp.Tests.Readme;

/// <summary>The README's examples run, not only compile: on small data, each must finish without an exception.</summary>
public class ReadmeExamplesTests
{
    [Fact]
    public void FromArraysLayersAndKeras_Run_NoException()
    {
        var run = () =>
        {
            ReadmeExamples.FromArrays();
            ReadmeExamples.Layers();
            ReadmeExamples.KerasBatchNorm();
        };

        run.Should().NotThrow();
    }

    [Fact]
    public void TrainingExamples_OnThreeClusters_RunWithoutException()
    {
        var (x, labels) = Clusters(90);
        var random = new Random(3);
        Sequential Model() => new(new Dense(2, 8, random), new BatchNorm(8), new ReLU(), new Dense(8, 3, random));

        var run = () =>
        {
            ReadmeExamples.Modes(Model(), x);
            ReadmeExamples.LossesAndOptimizers(Model());
            ReadmeExamples.ClippingAndSchedules(Model(), x, labels);
            var plateau = Model();
            ReadmeExamples.Plateau(plateau, new Adam(plateau.Parameters), x, labels);
            var trained = Model();
            new Trainer(trained, new Adam(trained.Parameters)).Fit(x, labels,
                new FitOptions { Epochs = 3, Verbosity = FitVerbosity.Silent });
            ReadmeExamples.Metrics(trained, x, labels);
            var looped = Model();
            var batches = new[] { (RowSplit.SelectRows(x, [.. Enumerable.Range(0, 45)]), labels[..45]),
                (RowSplit.SelectRows(x, [.. Enumerable.Range(45, 45)]), labels[45..]) };
            ReadmeExamples.HandLoop(looped, new SgdMomentum(looped.Parameters, 0.01, momentum: 0.9), batches, x);
            ReadmeExamples.Sequences([.. Enumerable.Range(0, 60).Select(i => Math.Sin(i / 5.0))]);
        };

        run.Should().NotThrow();
    }

    // Three separable clusters in 2-D, shuffled so that a validation split of the last rows sees every class.
    private static (Tensor X, int[] Labels) Clusters(int rows)
    {
        var random = new Random(5);
        var x = new double[rows, 2];
        var labels = new int[rows];
        for (int i = 0; i < rows; i++)
        {
            labels[i] = random.Next(3);
            x[i, 0] = (5 * labels[i]) + random.NextDouble();
            x[i, 1] = 12 - (3 * labels[i]) + random.NextDouble();
        }
        return (Tensor.FromArray(x), labels);
    }
}
