using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BatchNormSharp;
using Digits;

// The seeds' digit experiment: 8×8 handwritten digits, Dense(64,100) → BatchNorm → ReLU → Dense(100,50) → BatchNorm →
// ReLU → Dense(50,10) → BatchNorm → softmax cross-entropy, SGD with momentum 0.9, learning rate 0.1, batches of 128.
DigitsOptions options;
try
{
    options = DigitsOptions.Parse(args);
}
catch (ArgumentException exception)
{
    Console.Error.WriteLine(exception.Message);
    return 2;
}

var data = DigitsData.Load();
if (options.Standardize)
{
    data = data.Standardized();
}
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Digits: {data.TrainLabels.Length} training and {data.TestLabels.Length} test images, seed {options.Seed}, " +
    $"{(options.Standardize ? "pixels standardised with training statistics" : "raw pixels 0-16")}."));

var model = BuildModel(options.Seed);
Console.WriteLine(model.Summary(DigitsData.Features));

var optimizer = new SgdMomentum(model.Parameters, learningRate: 0.1, momentum: 0.9);
var trainer = new Trainer(model, optimizer);
var fitOptions = new FitOptions
{
    Epochs = options.Epochs,
    BatchSize = options.BatchSize,
    Seed = options.Seed,
    // The seeds' protocol watches the held-out digits while training; nothing is tuned on them (no early stopping).
    ValidationInputs = data.TestInputs,
    ValidationLabels = data.TestLabels,
};
var clock = Stopwatch.StartNew();
var history = TrainingDisplay.Run(options.Epochs, progress => trainer.Fit(data.TrainInputs, data.TrainLabels,
    fitOptions, progress));
clock.Stop();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{history.StopMessage} Training took {clock.Elapsed.TotalSeconds:F2} s."));

var test = model.Evaluate(data.TestInputs, data.TestLabels);
Console.WriteLine(AccuracyLine("Test accuracy", test));

// Save, reload into a freshly initialised model, and check that it scores the same.
SafeTensors.Save(model.StateDict(), options.ModelPath);
var reloaded = BuildModel(seed: options.Seed + 1000);
reloaded.LoadStateDict(SafeTensors.Load(options.ModelPath));
var reloadedTest = reloaded.Evaluate(data.TestInputs, data.TestLabels);
bool same = reloadedTest == test;
Console.WriteLine($"Saved the model to {options.ModelPath} ({new FileInfo(options.ModelPath).Length} bytes, safetensors).");
Console.WriteLine(AccuracyLine("Reloaded model test accuracy", reloadedTest) +
                  (same ? " - identical to the trained model" : " - DIFFERENT from the trained model"));

if (options.ExportPredictionsPath is { } exportPath)
{
    ExportPredictions(exportPath, data.TestInputs, reloaded.Predict(data.TestInputs));
    Console.WriteLine($"Wrote the test inputs and the reloaded model's probabilities to {exportPath}; check them " +
                      $"with: python3 tools/pytorch/check_library_file.py {options.ModelPath} {exportPath}");
}
return same ? 0 : 1;

static Sequential BuildModel(int seed)
{
    var random = new Random(seed);
    return new Sequential(
        new Dense(64, 100, random), new BatchNorm(100), new ReLU(),
        new Dense(100, 50, random), new BatchNorm(50), new ReLU(),
        new Dense(50, 10, random), new BatchNorm(10));
}

static string AccuracyLine(string label, EvaluationResult result) => string.Create(CultureInfo.InvariantCulture,
    $"{label}: {result.Accuracy:F4} ({result.Correct}/{result.Count})");

static void ExportPredictions(string path, Tensor inputs, Prediction prediction)
{
    using var stream = File.Create(path);
    using var json = new Utf8JsonWriter(stream);
    json.WriteStartObject();
    WriteMatrix(json, "inputs", inputs);
    WriteMatrix(json, "probabilities", prediction.Probabilities);
    json.WriteEndObject();
}

static void WriteMatrix(Utf8JsonWriter json, string name, Tensor matrix)
{
    json.WriteStartArray(name);
    for (int i = 0; i < matrix.Shape[0]; i++)
    {
        json.WriteStartArray();
        foreach (double value in matrix.Row(i))
        {
            json.WriteNumberValue(value); // shortest round-trip form: Python reads back the same double
        }
        json.WriteEndArray();
    }
    json.WriteEndArray();
}
