using System.Globalization;
using BatchNormInsight;
using BatchNormSharp;
using BatchNormSharp.Plots;
using Digits;

// The seed notebooks' pictures of BatchNorm, then the same look inside the Digits network after training.
InsightOptions options;
try
{
    options = InsightOptions.Parse(args);
}
catch (ArgumentException exception)
{
    Console.Error.WriteLine(exception.Message);
    return 2;
}
Directory.CreateDirectory(options.OutputFolder);
var written = new List<string>();
string Out(string name) => Path.Combine(options.OutputFolder, name);

// 1. The seed's mixture of Gaussians: 500 rows from N(-2, 1) and 500 from N(2, 1), 50 features, through a new
//    BatchNorm(50) in training mode (normalised with the batch's own statistics).
var random = new Random(options.Seed);
var mixture = Mixture(random, rowsPerMode: 500, features: 50);
var batchNorm = new BatchNorm(50);
var normalised = batchNorm.Forward(mixture, ForwardMode.Training).Clone();
Console.WriteLine("Mixture of Gaussians: 1000 rows x 50 features through BatchNorm(50) in training mode.");
written.Add(DistributionPlots.BeforeAfterHistogram(Out("mixture-histogram.png"), mixture.ToArray(),
    normalised.ToArray(), options: new PlotOptions { Title = "Mixture of Gaussians before and after BatchNorm" }));
written.Add(DistributionPlots.ActivationHistogram(Out("mixture-tanh-histogram.png"), mixture.ToArray(),
    normalised.ToArray(), Math.Tanh, "tanh",
    options: new PlotOptions { Title = "tanh of the mixture, without and with BatchNorm" }));
written.Add(DistributionPlots.FeatureStatistics(Out("mixture-feature-statistics.png"), FeatureColumns.Of(mixture),
    FeatureColumns.Of(normalised)));

// 2. The Digits network, trained with early stopping on a validation part of the training images; the test images
//    stay unseen until the pictures.
var data = DigitsData.Load();
var (train, trainLabels, validation, validationLabels) = SplitValidation(data, fraction: 0.2, seed: options.Seed);
var model = BuildModel(options.Seed);
var batchNorms = LayerInputs.BatchNorms(model).Select(entry => entry.Layer).ToArray();
var snapshots = batchNorms.Select(layer => new List<RunningStatisticsSnapshot> { RunningStatisticsSnapshot.Of(layer, 0) })
    .ToArray();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Digits: {trainLabels.Length} training, {validationLabels.Length} validation and {data.TestLabels.Length} test " +
    $"images; up to {options.Epochs} epochs with early stopping (patience 5, best weights restored)."));
var trainer = new Trainer(model, new SgdMomentum(model.Parameters, learningRate: 0.1, momentum: 0.9));
var progress = new SnapshotProgress(new ConsoleProgress(), batchNorms, snapshots);
var history = trainer.Fit(train, trainLabels, new FitOptions
{
    Epochs = options.Epochs,
    BatchSize = 128,
    Seed = options.Seed,
    ValidationInputs = validation,
    ValidationLabels = validationLabels,
    EarlyStopping = new EarlyStopping { Patience = 5, RestoreBestWeights = true },
}, progress);
progress.Finish();
var test = model.Evaluate(data.TestInputs, data.TestLabels);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{history.StopMessage} Test accuracy: {test.Accuracy:F4} ({test.Correct}/{test.Count})"));

written.Add(TrainingPlots.Curves(Out("digits-loss.png"), history, TrainingCurve.Loss,
    new PlotOptions { Title = "Digits: training and validation loss" }));
written.Add(TrainingPlots.Curves(Out("digits-accuracy.png"), history, TrainingCurve.Accuracy,
    new PlotOptions { Title = "Digits: training and validation accuracy" }));
foreach (var recorded in LayerInputs.Record(model, data.TestInputs))
{
    int k = Array.IndexOf(batchNorms, recorded.Layer) + 1;
    string name = $"BatchNorm {k} ('{recorded.Name}', {recorded.Layer.NumFeatures} features)";
    written.Add(DistributionPlots.BeforeAfterHistogram(Out($"digits-bn{k}-histogram.png"), recorded.Input.ToArray(),
        recorded.Output.ToArray(), options: new PlotOptions { Title = $"Digits test set: {name}, inference mode" }));
    written.Add(DistributionPlots.FeatureStatistics(Out($"digits-bn{k}-feature-statistics.png"),
        FeatureColumns.Of(recorded.Input), FeatureColumns.Of(recorded.Output),
        new PlotOptions { Title = $"Digits test set: per-feature mean and std, {name}" }));
    written.Add(TrainingPlots.RunningStatistics(Out($"digits-bn{k}-running-statistics.png"), snapshots[k - 1],
        options: new PlotOptions { Title = $"Digits: running statistics of {name} by epoch" }));
}

Console.WriteLine($"Wrote {written.Count} files:");
foreach (string path in written)
{
    string shown = Path.GetRelativePath(Environment.CurrentDirectory, path);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  {(shown.StartsWith("..", StringComparison.Ordinal) ? path : shown)} ({new FileInfo(path).Length} bytes)"));
}
return 0;

// The seeds' network: Dense(64,100) → BatchNorm → ReLU → Dense(100,50) → BatchNorm → ReLU → Dense(50,10) → BatchNorm.
static Sequential BuildModel(int seed)
{
    var random = new Random(seed);
    return new Sequential(
        new Dense(64, 100, random), new BatchNorm(100), new ReLU(),
        new Dense(100, 50, random), new BatchNorm(50), new ReLU(),
        new Dense(50, 10, random), new BatchNorm(10));
}

// Rows from N(-2, 1) then rows from N(2, 1), every feature drawn independently (Box-Muller from the seeded source).
static Tensor Mixture(Random random, int rowsPerMode, int features)
{
    var values = new double[2 * rowsPerMode * features];
    for (int i = 0; i < values.Length; i++)
    {
        double u = 1.0 - random.NextDouble(), v = random.NextDouble();
        double mean = i < rowsPerMode * features ? -2.0 : 2.0;
        values[i] = mean + (Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * v));
    }
    return Tensor.FromSpan(values, 2 * rowsPerMode, features);
}

// A seeded random fraction of the training images held out for early stopping.
static (Tensor Train, int[] TrainLabels, Tensor Validation, int[] ValidationLabels) SplitValidation(DigitsData data,
    double fraction, int seed)
{
    int rows = data.TrainLabels.Length;
    int[] order = [.. Enumerable.Range(0, rows)];
    new Random(seed).Shuffle(order);
    int held = (int)Math.Round(rows * fraction);
    int[] validation = order[..held], train = order[held..];
    return (Rows(data.TrainInputs, train), [.. train.Select(i => data.TrainLabels[i])],
        Rows(data.TrainInputs, validation), [.. validation.Select(i => data.TrainLabels[i])]);
}

static Tensor Rows(Tensor inputs, int[] indices) => Tensor.FromRows([.. indices.Select(i => inputs.Row(i).ToArray())]);
