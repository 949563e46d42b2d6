// Writes FOLDER/model.safetensors (a whole-model file holding every library layer type with non-default
// hyper-parameters, nested containers and moved running statistics) and FOLDER/predictions.json (inputs and the
// inference-mode outputs of the model loaded back with ModelFile.Load), for tools/pytorch/model_file.py to compare;
// likewise FOLDER/sequences.* (stacked LSTMs returning sequences, Tanh, LastTimeStep, Sigmoid) and FOLDER/lstm.*
// (an LSTM returning its last step), and FOLDER/batchnorm_lstm.safetensors, which has no PyTorch counterpart.
// Usage: dotnet run --project tools/pytorch/ModelFileWriter -- FOLDER
using System.Text.Json;
using BatchNormSharp;

if (args.Length != 1)
{
    Console.Error.WriteLine("Usage: ModelFileWriter FOLDER");
    return 2;
}
string folder = args[0];
Directory.CreateDirectory(folder);

var random = new Random(12);
var scaling = new Normalization(6, epsilon: 1e-3);
scaling.Adapt(Inputs(64, 6, random));
var model = new Sequential(
    scaling,
    new Dense(6, 12, random),
    new BatchNorm(12, eps: 1e-3, momentum: null),
    new ReLU(),
    new Sequential(new Dense(12, 8, random), new BatchNorm(8, momentum: 0.3, affine: false), new ReLU()),
    new Dense(8, 5, random),
    new BatchNorm(5, eps: 1e-4, momentum: 0.05) { UnbiasedRunningVariance = false },
    new Tanh(),
    new Sequential(),
    new Dense(5, 3, random),
    new BatchNorm(3, trackRunningStats: false),
    new Sigmoid());

if (!Write("model", model, Inputs(50, 6, random), random)
    || !Write("sequences", new Sequential(new LSTM(3, 5, random, numLayers: 2, returnSequences: true), new Tanh(),
        new LSTM(5, 4, random, returnSequences: true), new LastTimeStep(), new Dense(4, 3, random), new Sigmoid()),
        Sequences(20, 7, 3, random), random)
    || !Write("lstm", new Sequential(new LSTM(3, 6, random, numLayers: 3), new Dense(6, 2, random)),
        Sequences(20, 5, 3, random), random)
    || !Write("batchnorm_lstm", new Sequential(new BatchNormLSTM(3, 4, BatchNormLSTMVariant.Cooijmans, random,
        maxLength: 5), new Dense(4, 1, random)), Sequences(20, 5, 3, random), random))
{
    return 1;
}
return 0;

bool Write(string name, Layer model, Tensor inputs, Random random)
{
    // Move the running statistics and the weights away from their initial values.
    for (int batch = 0; batch < 4; batch++)
    {
        int[] shape = inputs.Shape.ToArray();
        shape[0] = 32;
        model.Forward(Fill(Tensor.Zeros(shape), random), ForwardMode.Training);
    }
    foreach (var parameter in model.Parameters)
    {
        Span<double> values = parameter.Value.AsSpan();
        for (int i = 0; i < values.Length; i++)
        {
            values[i] += random.NextDouble() - 0.5;
        }
    }

    string modelPath = Path.Combine(folder, name + ".safetensors");
    ModelFile.Save(model, modelPath);
    var loaded = ModelFile.Load(modelPath);

    // The whole test set in one batch: a BatchNorm without running statistics normalises with the batch's.
    double[] expected = model.Forward(inputs.Clone(), ForwardMode.Inference).ToArray();
    var output = loaded.Forward(inputs.Clone(), ForwardMode.Inference);
    if (!output.ToArray().SequenceEqual(expected))
    {
        Console.Error.WriteLine($"FAIL: the loaded {name} model does not predict bit for bit what the saved one does.");
        return false;
    }

    var predictions = new
    {
        inputs = Rows(inputs),
        outputs = Rows(output),
        input_shape = inputs.Shape.ToArray(),
        output_shape = output.Shape.ToArray(),
    };
    string predictionsName = name == "model" ? "predictions.json" : name + ".json";
    File.WriteAllText(Path.Combine(folder, predictionsName), JsonSerializer.Serialize(predictions));
    Console.WriteLine($"wrote {modelPath} ({new FileInfo(modelPath).Length} bytes) and predictions for {inputs.Shape[0]} rows");
    Console.WriteLine(loaded);
    return true;
}

static Tensor Sequences(int batch, int time, int features, Random random) =>
    Fill(Tensor.Zeros(batch, time, features), random);

static Tensor Inputs(int rows, int features, Random random) => Fill(Tensor.Zeros(rows, features), random);

static Tensor Fill(Tensor tensor, Random random)
{
    Span<double> values = tensor.AsSpan();
    for (int i = 0; i < values.Length; i++)
    {
        // 5 * N(0, 1) + 12 by Box-Muller: inputs with a mean and a scale far from 0 and 1.
        double u = 1.0 - random.NextDouble(), v = random.NextDouble();
        values[i] = (5 * Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v)) + 12;
    }
    return tensor;
}

// Batch-first rows; a sequence's row is its time steps one after another (the shape travels beside it).
static double[][] Rows(Tensor tensor)
{
    int columns = tensor.Length / tensor.Shape[0];
    double[] values = tensor.ToArray();
    return [.. Enumerable.Range(0, tensor.Shape[0]).Select(row => values.AsSpan(row * columns, columns).ToArray())];
}
