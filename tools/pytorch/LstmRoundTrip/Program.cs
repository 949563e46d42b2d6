// The library's side of the LSTM round trip with PyTorch (tools/pytorch/check_lstm_roundtrip.sh).
//
//   save    MODEL DATA [--input I] [--hidden H] [--layers L] [--time T] [--seed S]
//           builds Sequential(LSTM(I, H, numLayers: L), Dense(H, 1)), trains it for a few SGD steps on windows of a
//           noisy sine, saves MODEL (.safetensors, the state dict) and writes DATA (JSON: the inputs, their shape and
//           the library's predictions) for lstm_roundtrip.py to compare with PyTorch.
//   predict MODEL DATA OUT
//           rebuilds the architecture from the names and shapes in MODEL (a file PyTorch saved), loads it with
//           strict names, predicts DATA's inputs and writes OUT (the same JSON with the library's predictions).
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using BatchNormSharp;

return args.Length switch
{
    >= 3 when args[0] == "save" => Save(args[1], args[2], Options(args[3..])),
    4 when args[0] == "predict" => Predict(args[1], args[2], args[3]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: LstmRoundTrip save MODEL DATA [--input I] [--hidden H] [--layers L] [--time T] [--seed S]");
    Console.Error.WriteLine("       LstmRoundTrip predict MODEL DATA OUT");
    return 2;
}

static Dictionary<string, int> Options(string[] args)
{
    var options = new Dictionary<string, int> { ["input"] = 1, ["hidden"] = 16, ["layers"] = 1, ["time"] = 12, ["seed"] = 1 };
    for (int i = 0; i + 1 < args.Length; i += 2)
    {
        options[args[i].TrimStart('-')] = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
    }
    return options;
}

static int Save(string modelPath, string dataPath, Dictionary<string, int> o)
{
    int inputSize = o["input"], hidden = o["hidden"], layers = o["layers"], time = o["time"];
    var random = new Random(o["seed"]);
    var model = new Sequential(new LSTM(inputSize, hidden, random, numLayers: layers), new Dense(hidden, 1, random));

    // Windows of a noisy sine, one value per step repeated over the input features, and the next value as target.
    var series = Enumerable.Range(0, 200 + time).Select(t => Math.Sin(t * 0.2) + (0.05 * (random.NextDouble() - 0.5))).ToArray();
    var windows = SeriesWindows.Create(series, time);
    var inputs = Tensor.Zeros(windows.Count, time, inputSize);
    for (int w = 0; w < windows.Count; w++)
    {
        for (int t = 0; t < time; t++)
        {
            for (int f = 0; f < inputSize; f++)
            {
                inputs.AsSpan()[((w * time) + t) * inputSize + f] = windows.Inputs.AsReadOnlySpan()[(w * time) + t] * (1.0 + (0.1 * f));
            }
        }
    }
    var optimizer = new SgdMomentum(model.Parameters, learningRate: 0.05, momentum: 0.9);
    var gradient = Tensor.Zeros(windows.Count, 1);
    for (int step = 0; step < 20; step++)
    {
        optimizer.ZeroGrad();
        var prediction = model.Forward(inputs, ForwardMode.Training);
        for (int r = 0; r < windows.Count; r++)
        {
            // d(mean squared error)/d(prediction)
            gradient.AsSpan()[r] = 2.0 * (prediction.AsReadOnlySpan()[r] - windows.Targets.AsReadOnlySpan()[r]) / windows.Count;
        }
        model.Backward(gradient, computeInputGradient: false);
        optimizer.Step();
    }

    SafeTensors.Save(model.StateDict(), modelPath);
    var outputs = new double[windows.Count];
    model.Infer(inputs.AsReadOnlySpan(), inputs.Shape, outputs);
    WriteData(dataPath, inputs.Shape.ToArray(), inputs.ToArray(), outputs);
    Console.WriteLine($"library: saved {model} to {modelPath}, {windows.Count} predictions to {dataPath}");
    return 0;
}

static int Predict(string modelPath, string dataPath, string outPath)
{
    var state = SafeTensors.Load(modelPath);
    int layers = state.Keys.Count(k => k.StartsWith("0.weight_ih_l", StringComparison.Ordinal));
    var weightIh = state["0.weight_ih_l0"];
    int inputSize = weightIh.Shape[1], hidden = weightIh.Shape[0] / 4;
    var model = new Sequential(new LSTM(inputSize, hidden, seed: 0, numLayers: layers), new Dense(hidden, 1, seed: 0));
    model.LoadStateDict(state, strict: true);

    var data = JsonNode.Parse(File.ReadAllText(dataPath))!;
    int[] shape = data["shape"]!.AsArray().Select(v => (int)v!).ToArray();
    double[] values = data["inputs"]!.AsArray().Select(v => (double)v!).ToArray();
    var inputs = Tensor.FromSpan(values, shape);
    var outputs = new double[shape[0]];
    model.Infer(inputs.AsReadOnlySpan(), inputs.Shape, outputs);
    WriteData(outPath, shape, values, outputs);
    Console.WriteLine($"library: loaded {modelPath} into {model.ToString().Replace('\n', ' ')}, wrote {outputs.Length} predictions to {outPath}");
    return 0;
}

static void WriteData(string path, int[] shape, double[] inputs, double[] outputs)
{
    var json = new JsonObject
    {
        ["shape"] = new JsonArray([.. shape.Select(s => JsonValue.Create(s))]),
        ["inputs"] = new JsonArray([.. inputs.Select(v => JsonValue.Create(v))]),
        ["outputs"] = new JsonArray([.. outputs.Select(v => JsonValue.Create(v))]),
    };
    File.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
}
