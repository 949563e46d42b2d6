// The seed notebook's experiment: a 3-layer network with Batch Normalization on Fisher's irises.
//   Dense(4,10) -> BatchNorm(10) -> ReLU -> Dense(10,3) -> BatchNorm(3) -> softmax cross-entropy,
// trained by SGD with momentum on random mini-batches of 32, then scored on the 30 held-out flowers in
// inference mode (BatchNorm uses its running statistics).
//
// Usage: dotnet run --project samples/Iris [-- --seed N] [--epochs N] [--lr X] [--momentum X]
//            [--onnx PATH [--fold]] [--predictions PATH]
//   --onnx PATH         also write the trained model as an ONNX file (float64, softmax appended: the output is the
//                       class probabilities); --fold folds each BatchNorm into the Dense before it first.
//   --predictions PATH  write the test flowers and the library's probabilities as CSV (x0..x3, p0..p2), for
//                       comparing with ONNX Runtime (tests/OnnxCheck does, in CI).
using System.Diagnostics;
using System.Globalization;
using System.Text;
using BatchNormSharp;
using BatchNormSharp.Onnx;
using IrisSample;

int seed = Option(args, "--seed", 1);
int epochs = Option(args, "--epochs", 150);
double learningRate = Option(args, "--lr", 0.01);
double momentum = Option(args, "--momentum", 0.9);
string? onnxPath = PathOption(args, "--onnx");
string? predictionsPath = PathOption(args, "--predictions");
bool fold = args.Contains("--fold");
const int BatchSize = 32;

var data = IrisData.Load(Path.Combine(AppContext.BaseDirectory, "data"));
var random = new Random(seed);
var model = new Sequential(
    new Dense(4, 10, random),
    new BatchNorm(10),
    new ReLU(),
    new Dense(10, 3, random),
    new BatchNorm(3));
var loss = new SoftmaxCrossEntropy();
var optimizer = new SgdMomentum(model.Parameters, learningRate, momentum);

Console.WriteLine($"Iris: {data.TrainLabels.Length} training and {data.TestLabels.Length} test flowers, seed {seed}");
Console.WriteLine(model.Summary(inputFeatures: 4));
var clock = Stopwatch.StartNew();
int[] order = Enumerable.Range(0, data.TrainLabels.Length).ToArray();
for (int epoch = 1; epoch <= epochs; epoch++)
{
    random.Shuffle(order);
    double epochLoss = 0;
    int batches = 0;
    for (int start = 0; start < order.Length; start += BatchSize)
    {
        int[] rows = order[start..Math.Min(start + BatchSize, order.Length)];
        if (rows.Length < 2)
        {
            continue; // BatchNorm cannot normalise a single row with its own statistics
        }
        var (x, labels) = Batch(data.TrainFeatures, data.TrainLabels, rows);

        // One training step, written out: forward, loss, backward (the model goes through its layers in
        // reverse order), update.
        optimizer.ZeroGrad();
        var logits = model.Forward(x, ForwardMode.Training);
        epochLoss += loss.Forward(logits, labels);
        model.Backward(loss.Backward());
        optimizer.Step();
        batches++;
    }
    if (epoch == 1 || epoch % 15 == 0)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"epoch {epoch,3}/{epochs}  loss {epochLoss / batches:F4}"));
    }
}

// Inference mode: every BatchNorm normalises with its running statistics.
var test = model.Evaluate(data.TestFeatures, data.TestLabels);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Test accuracy: {test.Accuracy:F4} ({test.Correct}/{test.Count})"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Trained in {clock.Elapsed.TotalSeconds:F2} s"));

if (onnxPath is not null)
{
    // Folding gives the same predictions (to ~1e-15) with one matrix product per Dense + BatchNorm pair.
    var exported = fold ? model.FoldBatchNorm() : model;
    exported.ExportOnnx(onnxPath, new OnnxExportOptions { AppendSoftmax = true });
    Console.WriteLine($"ONNX model ({(fold ? "BatchNorm folded, " : "")}float64, input 'input' [batch, 4], output " +
        $"'output' = probabilities) written to {onnxPath} ({new FileInfo(onnxPath).Length} bytes)");
}
if (predictionsPath is not null)
{
    WritePredictions(predictionsPath, data.TestFeatures, model.Predict(data.TestFeatures).Probabilities);
    Console.WriteLine($"Test flowers and their predicted probabilities written to {predictionsPath}");
}

static (Tensor X, int[] Labels) Batch(Tensor features, int[] labels, int[] rows)
{
    var x = Tensor.Zeros(rows.Length, features.Shape[1]);
    for (int i = 0; i < rows.Length; i++)
    {
        features.Row(rows[i]).CopyTo(x.Row(i));
    }
    return (x, rows.Select(r => labels[r]).ToArray());
}

// One row per flower: the 4 measurements, then the 3 probabilities, in round-trip precision.
static void WritePredictions(string path, Tensor inputs, Tensor probabilities)
{
    var csv = new StringBuilder("x0,x1,x2,x3,p0,p1,p2\n");
    for (int i = 0; i < inputs.Shape[0]; i++)
    {
        var row = inputs.Row(i).ToArray().Concat(probabilities.Row(i).ToArray());
        csv.AppendLine(string.Join(",", row.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
    }
    File.WriteAllText(path, csv.ToString());
}

static T Option<T>(string[] args, string name, T fallback) where T : IParsable<T>
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? T.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}

static string? PathOption(string[] args, string name)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}
