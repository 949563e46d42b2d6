using BatchNormSharp.Tests.Helpers;

namespace BatchNormSharp.Tests.Training;

/// <summary>The console is one per process: these tests swap it, so they run alone.</summary>
[CollectionDefinition(nameof(SharedConsole), DisableParallelization = true)]
public sealed class SharedConsole;

[Collection(nameof(SharedConsole))]
public class FitVerbosityTests
{
    private static string FitPrinting(FitOptions options)
    {
        var (inputs, labels) = TrainingData.Clusters(40, 4, 3, seed: 1);
        var model = TrainingData.IrisModel(seed: 2);
        var console = new StringWriter();
        var original = Console.Out;
        Console.SetOut(console);
        try
        {
            new Trainer(model, new SgdMomentum(model.Parameters, 0.1, 0.9)).Fit(inputs, labels, options);
        }
        finally
        {
            Console.SetOut(original);
        }
        return console.ToString();
    }

    [Fact]
    public void Fit_ByDefault_PrintsAKerasStyleLinePerEpoch()
    {
        string printed = FitPrinting(new FitOptions { Epochs = 2, BatchSize = 10, ValidationSplit = 0.25 });

        printed.Should().MatchRegex(@"Epoch 1/2 - 3/3 - [0-9.]+ (ms|us)/step - loss: [0-9.]+ - accuracy: [0-9.]+ - val_loss: [0-9.]+ - val_accuracy: [0-9.]+");
        printed.Should().Contain("Epoch 2/2");
    }

    [Fact]
    public void Fit_Silent_PrintsNothing()
    {
        FitPrinting(new FitOptions { Epochs = 2, BatchSize = 10, Verbosity = FitVerbosity.Silent }).Should().BeEmpty();
    }
}
