namespace BatchNormSharp.Tests.Readme;

/// <summary>
/// The README's code blocks that are not in a sample, compiled here so that they cannot drift from the API:
/// <see cref="ReadmeTests"/> checks that every <c>csharp</c> block of README.md appears, line for line, in this file,
/// the Quickstart sample or another named source. Edit a block here and in the README together.
/// </summary>
/// <remarks>Each method holds one block; <see cref="ReadmeExamplesTests"/> runs those that write no files.</remarks>
internal static class ReadmeExamples
{
    internal static void FromArrays()
    {
        double[,] measurements = { { 5.1, 3.5, 1.4, 0.2 }, { 7.0, 3.2, 4.7, 1.4 }, { 6.3, 3.3, 6.0, 2.5 }, { 4.9, 3.0, 1.4, 0.2 } };
        int[] species = [0, 1, 2, 0];
        Tensor x = Tensor.FromArray(measurements);                       // [rows, features]; FromRows for jagged rows
        var model = new Sequential(new Normalization(4).Adapt(x), new Dense(4, 8, seed: 1), new BatchNorm(8), new ReLU(),
            new Dense(8, 3, seed: 2));
        new Trainer(model, new Adam(model.Parameters)).Fit(x, species, new FitOptions { Epochs = 5, BatchSize = 2 });
        int[] predicted = [.. model.Predict(x).Classes];
    }

    internal static void Layers()
    {
        var random = new Random(42);                                     // every random draw comes from a seed you give
        var model = new Sequential(
            new Dense(4, 10, random), new BatchNorm(10), new ReLU(),
            new Dense(10, 3, random), new BatchNorm(3));
        Console.WriteLine(model.Summary());                              // Keras-style table: shapes and parameter counts
        foreach (var (name, parameter) in model.NamedParameters())
            Console.WriteLine($"{name} {parameter.Value}");              // 0.weight Tensor[4, 10], 1.weight, ...
    }

    internal static void KerasBatchNorm()
    {
        var pytorchDefaults = new BatchNorm(64);                         // eps 1e-5, momentum 0.1 = weight of the new batch
        var kerasDefaults = new BatchNorm(64, eps: 1e-3, momentum: 0.01) { UnbiasedRunningVariance = false };
        var cumulative = new BatchNorm(64, momentum: null);             // running averages over all batches so far
    }

    internal static void Modes(Sequential model, Tensor x)
    {
        Tensor training = model.Forward(x, ForwardMode.Training);       // batch statistics; running statistics move
        Tensor inference = model.Forward(x, ForwardMode.Inference);     // running statistics; nothing changes
        model.Eval();                                                    // or set the mode once, as in PyTorch
        Prediction p = model.Predict(x);                                 // always inference, from any number of threads
    }

    internal static void LossesAndOptimizers(Sequential model)
    {
        var classifier = new Trainer(model, new Adam(model.Parameters, learningRate: 1e-3));   // SoftmaxCrossEntropy
        var binary = new Trainer(model, new AdamW(model.Parameters, weightDecay: 0.01), new BinaryCrossEntropyWithLogits());
        var regression = new Trainer(model, new SgdMomentum(model.Parameters, learningRate: 0.01, momentum: 0.9,
            nesterov: true), new MeanSquaredError());
    }

    internal static void ClippingAndSchedules(Sequential model, Tensor x, int[] labels)
    {
        var optimizer = new SgdMomentum(model.Parameters, learningRate: 0.1, momentum: 0.9);
        var history = new Trainer(model, optimizer).Fit(x, labels, new FitOptions
        {
            Epochs = 60,
            BatchSize = 32,
            ValidationSplit = 0.2,                                       // Keras's: the last 20 % of the rows, unshuffled
            ClipGradientNorm = 1.0,                                      // or ClipGradientValue = 0.5
            LearningRateSchedule = new CosineAnnealingLR(optimizer, tMax: 60),  // or StepLR, ExponentialLR
            EarlyStopping = new EarlyStopping { Monitor = TrainingMetric.ValidationAccuracy, Patience = 5 },
        });
        Console.WriteLine($"{history.StopReason}: {history.StopMessage}");
    }

    internal static void Plateau(Sequential model, IOptimizer optimizer, Tensor x, int[] labels)
    {
        var options = new FitOptions
        {
            Epochs = 100,
            ValidationSplit = 0.2,
            ReduceLearningRateOnPlateau = new ReduceLROnPlateau(optimizer, factor: 0.5, patience: 3),
        };
    }

    internal static void Metrics(Sequential model, Tensor xTest, int[] yTest)
    {
        EvaluationResult r = model.Evaluate(xTest, yTest);
        Console.WriteLine($"accuracy {r.Accuracy:F4}, loss {r.Loss:F4}");
        Console.WriteLine(r.ConfusionMatrix);                            // rows: true class, columns: predicted
        ClassificationReport report = r.ConfusionMatrix!.Report();       // precision, recall, F1, support, macro F1
        int[] predicted = [.. model.Predict(xTest).Classes];
        double accuracy = ClassificationMetrics.Accuracy(predicted, yTest);
    }

    internal static void HandLoop(Sequential model, SgdMomentum optimizer, IEnumerable<(Tensor X, int[] Labels)> batches,
        Tensor testInputs)
    {
        var loss = new SoftmaxCrossEntropy();
        foreach (var (x, labels) in batches)
        {
            optimizer.ZeroGrad();                                        // gradients accumulate, as in PyTorch
            Tensor logits = model.Forward(x, ForwardMode.Training);      // batch statistics; running statistics updated
            double value = loss.Forward(logits, labels);                 // mean cross-entropy from logits
            model.Backward(loss.Backward());                             // dL/dlogits back through every layer
            optimizer.Step();                                            // v = μv + g; p -= lr·v
        }
        int[] predicted = model.Forward(testInputs, ForwardMode.Inference).ArgMaxRows();
    }

    internal static void Sequences(double[] scaledCloses)
    {
        var data = SeriesWindows.Create(scaledCloses, lookBack: 30);    // Inputs [n-30, 30, 1], Targets [n-30, 1]
        var model = new Sequential(new LSTM(1, 64, seed: 1), new Dense(64, 1, seed: 2));
        var bnLstm = new Sequential(new BatchNormLSTM(1, 64, BatchNormLSTMVariant.Cooijmans, seed: 1, maxLength: 30),
            new Dense(64, 1, seed: 2));
        new Trainer(model, new Adam(model.Parameters), new MeanSquaredError())
            .Fit(data.Inputs, data.Targets, new FitOptions { Epochs = 20, BatchSize = 64 });
    }

    internal static void StateDicts(Sequential model, SgdMomentum optimizer, Sequential sameArchitecture)
    {
        SafeTensors.Save(model.StateDict(), "weights.safetensors");      // PyTorch's names and layout; atomic
        sameArchitecture.LoadStateDict(SafeTensors.Load("weights.safetensors"));   // strict: all or nothing
        StateDictLoadResult result = sameArchitecture.LoadStateDict(SafeTensors.Load("weights.safetensors"), strict: false);
        Console.WriteLine($"missing: {string.Join(", ", result.MissingKeys)}; unexpected: {string.Join(", ", result.UnexpectedKeys)}");
        SafeTensors.Save(optimizer.StateDict(model), "optimizer.safetensors");      // resume training exactly
    }
}
