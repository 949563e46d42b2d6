// The newcomer's flow in one program: a CSV -> a scaled model -> Fit -> Evaluate -> save -> load -> predict -> ONNX.
// Run it from the repository root: dotnet run --project samples/Quickstart -c Release
// README.md's complete example is this file's core; ReadmeTests checks that the two stay the same.
using BatchNormSharp;
using BatchNormSharp.Data;
using BatchNormSharp.Onnx;
using Microsoft.ML.OnnxRuntime;
using OrtTensors = Microsoft.ML.OnnxRuntime.Tensors;   // its Tensor is not ours

// 1. Read the CSV: predict the species from the island (text, one-hot encoded) and four measurements.
var data = TabularData.ReadCsv("samples/BinaryClassifier/data/penguins.csv", target: "species",
    features: ["island", "beak_length_mm", "beak_depth_mm", "flipper_length_mm", "body_mass_g"]);
Console.WriteLine(data.Dropped);

// 2. A seeded, stratified split: 20 % for the test, then 20 % of the rest to watch while training.
var split = data.Split(testFraction: 0.2, seed: 42, stratify: true);
var fit = split.Train.Split(testFraction: 0.2, seed: 42, stratify: true);
var encoder = FeatureEncoder.Fit(fit.Train);                 // categories from the training rows only
Tensor xTrain = encoder.Transform(fit.Train), xValid = encoder.Transform(fit.Test), xTest = encoder.Transform(split.Test);

// 3. The model: a Normalization layer adapted on the training rows scales the inputs (grams next to millimetres),
//    and is saved with the model.
var model = new Sequential(
    new Normalization(encoder.FeatureCount).Adapt(xTrain),
    new Dense(encoder.FeatureCount, 16, seed: 1), new BatchNorm(16), new ReLU(),
    new Dense(16, data.Classes.Count, seed: 2));
Console.WriteLine(model.Summary());

// 4. Fit with Adam, Keras-style progress and early stopping on the validation loss.
var trainer = new Trainer(model, new Adam(model.Parameters, learningRate: 0.01));
TrainingHistory history = trainer.Fit(xTrain, fit.Train.ClassIndices, new FitOptions
{
    Epochs = 100,
    BatchSize = 32,
    Seed = 1,
    ValidationInputs = xValid,
    ValidationLabels = fit.Test.ClassIndices,
    EarlyStopping = new EarlyStopping { Patience = 10, RestoreBestWeights = true },
});
Console.WriteLine(history.StopMessage);

// 5. Evaluate on the test rows: accuracy, confusion matrix, precision / recall / F1 per class.
EvaluationResult test = model.Evaluate(xTest, split.Test.ClassIndices);
Console.WriteLine($"Test accuracy: {test.Accuracy:F4} ({test.Correct}/{test.Count}), loss {test.Loss:F4}");
Console.WriteLine($"Confusion matrix (rows: true {string.Join(", ", data.Classes)}):\n{test.ConfusionMatrix}");
ClassificationReport report = test.ConfusionMatrix!.Report();
for (int c = 0; c < data.Classes.Count; c++)
    Console.WriteLine($"{data.Classes[c],-10} precision {report.Precision[c]:F3}  recall {report.Recall[c]:F3}  F1 {report.F1[c]:F3}  support {report.Support[c]}");

// 6. Save the whole model (architecture, weights, scaling statistics) and load it back without code.
ModelFile.Save(model, "penguins.safetensors");
var loaded = ModelFile.Load<Sequential>("penguins.safetensors");    // or ModelFile.Load(path), a Layer
Prediction predicted = loaded.Predict(xTest);
Console.WriteLine($"Loaded model: first test penguin is {data.Classes[predicted.Classes[0]]} " +
    $"(p = {predicted.Probabilities[0, predicted.Classes[0]]:F3}), truly {data.Classes[split.Test.ClassIndices[0]]}");

// 7. Fold each BatchNorm into the Dense in front of it: a smaller inference model with the same predictions.
Sequential folded = loaded.FoldBatchNorm();
double foldGap = folded.Predict(xTest).Probabilities.ToArray().Zip(predicted.Probabilities.ToArray(), (a, b) => Math.Abs(a - b)).Max();
Console.WriteLine($"Folded model ({folded.Layers.Count} layers) vs loaded model: largest difference {foldGap:E1}");

// 8. Export to ONNX (probabilities out) and run the file in ONNX Runtime.
loaded.ExportOnnx("penguins.onnx", new OnnxExportOptions { AppendSoftmax = true });
using var session = new InferenceSession("penguins.onnx");
var input = new OrtTensors.DenseTensor<double>(xTest.ToArray(), [xTest.Shape[0], xTest.Shape[1]]);
using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", input)]);
double[] onnx = results[0].AsTensor<double>().ToArray();
double[] library = predicted.Probabilities.ToArray();
double worst = onnx.Zip(library, (a, b) => Math.Abs(a - b)).Max();
Console.WriteLine($"ONNX Runtime vs library on {xTest.Shape[0]} test rows: largest difference {worst:E1}");
