using System.Globalization;
using System.Text.Json;
using BatchNormSharp;
using BatchNormSharp.Data;

namespace BinaryClassifier;

/// <summary>
/// The same network on real data: a penguin's sex from its measurements, species and island (Palmer penguins). Rows
/// with a missing value are dropped and counted; a seeded, stratified 80/20 split; text columns one-hot encoded with
/// the categories of the training rows; inputs standardised by a <see cref="Normalization"/> layer adapted on the
/// training rows, first in the model so that a saved model carries its scaling.
/// </summary>
internal static class Penguins
{
    private const double TestFraction = 0.2;
    private const int BatchSize = 16;

    public static bool Run(int seed, int epochs, string? splitPath, string? modelPath)
    {
        var data = TabularData.ReadCsv(Path.Combine(AppContext.BaseDirectory, "data", "penguins.csv"), target: "sex",
            targetKind: TargetKind.Binary, positiveClass: "MALE", missing: ["NA", "."]);
        Console.WriteLine($"Penguins: predict sex (1 = {data.PositiveClass}) from measurements, species and island, " +
                          $"seed {seed}");
        Console.WriteLine(data.Dropped);

        var split = data.Split(TestFraction, seed, stratify: true);
        if (splitPath is not null)
        {
            WriteSplit(splitPath, seed, split);
            Console.WriteLine($"Wrote the split's file rows to {splitPath}");
        }
        var encoder = FeatureEncoder.Fit(split.Train); // categories from the training rows only
        Tensor xTrain = encoder.Transform(split.Train), xTest = encoder.Transform(split.Test);
        Tensor yTrain = split.Train.TargetTensor(), yTest = split.Test.TargetTensor();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{split.Train.RowCount} training and {split.Test.RowCount} test rows (stratified), " +
            $"{encoder.FeatureCount} features: {string.Join(", ", encoder.FeatureNames)}"));

        var random = new Random(seed);
        // Statistics of the training rows only, so that nothing of the test rows leaks into the model.
        var normalization = new Normalization(encoder.FeatureCount).Adapt(xTrain);
        var model = Network.Build(encoder.FeatureCount, random, normalization);
        var trainer = new Trainer(model, Network.Optimizer(model), new BinaryCrossEntropyWithLogits());
        trainer.Fit(xTrain, yTrain, new FitOptions { Epochs = epochs, BatchSize = BatchSize, Seed = seed });

        var test = trainer.Evaluate(xTest, yTest);
        var matrix = test.ConfusionMatrix!;
        var report = matrix.Report();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Test accuracy: {test.Accuracy:F4} ({test.Correct}/{test.Count}), test loss {test.Loss:F4}"));
        Console.WriteLine($"Confusion matrix (rows: true class, columns: predicted; {string.Join(", ", data.Classes)}):");
        Console.Write(matrix);
        Console.WriteLine("class        precision  recall     F1  support");
        for (int c = 0; c < data.Classes.Count; c++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{data.Classes[c],-10} {report.Precision[c],11:F4} {report.Recall[c],7:F4} {report.F1[c],6:F4} {report.Support[c],8}"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"macro",-10} {report.MacroPrecision,11:F4} {report.MacroRecall,7:F4} {report.MacroF1,6:F4} {test.Count,8}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ROC AUC: {test.RocAuc:F4}"));
        return modelPath is null || SaveAndReload(trainer, modelPath, xTest);
    }

    /// <summary>
    /// Saves the whole model (architecture and weights, the Normalization's mean and variance among them), loads it back
    /// without this code, and checks that it gives the same probabilities on the raw test inputs.
    /// </summary>
    private static bool SaveAndReload(Trainer trainer, string path, Tensor rawTestInputs)
    {
        ModelFile.Save(trainer.Model, path);
        var reloaded = ModelFile.Load(path);
        var expected = trainer.Predict(rawTestInputs).Probabilities.AsReadOnlySpan();
        var actual = reloaded.Predict(rawTestInputs, LossTask.Binary).Probabilities.AsReadOnlySpan();
        bool same = expected.SequenceEqual(actual);
        Console.WriteLine($"Saved the model to {path} ({new FileInfo(path).Length} bytes); reloaded with ModelFile.Load, " +
                          (same ? "it gives identical test probabilities from the raw inputs." : "it gives DIFFERENT test probabilities."));
        return same;
    }

    /// <summary>
    /// The data rows of the file (0-based, header not counted, dropped rows keeping their numbers) in each part, for
    /// <c>tools/pytorch/penguins_binary.py</c> to train PyTorch on exactly these rows.
    /// </summary>
    private static void WriteSplit(string path, int seed, TabularSplit split)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false });
        json.WriteStartObject();
        json.WriteNumber("seed", seed);
        json.WriteNumber("test_fraction", TestFraction);
        WriteRows(json, "train", split.Train.SourceRows);
        WriteRows(json, "test", split.Test.SourceRows);
        json.WriteEndObject();
    }

    private static void WriteRows(Utf8JsonWriter json, string name, IReadOnlyList<int> rows)
    {
        json.WriteStartArray(name);
        foreach (int row in rows)
        {
            json.WriteNumberValue(row);
        }
        json.WriteEndArray();
    }
}
