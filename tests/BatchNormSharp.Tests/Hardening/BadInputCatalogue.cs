using BatchNormSharp.Tests.Helpers;

namespace BatchNormSharp.Tests.Hardening;

/// <summary>
/// Every bad input across the public API that the library must refuse loudly and without changing anything, with
/// the exception and the message it gives. <see cref="BadInputCatalogueTests"/> runs each case against a trained
/// model; docs/README-hardening.md lists them as a table.
/// </summary>
internal static class BadInputCatalogue
{
    private static readonly Type Argument = typeof(ArgumentException);
    private static readonly Type OutOfRange = typeof(ArgumentOutOfRangeException);
    private static readonly Type Null = typeof(ArgumentNullException);
    private static readonly Type InvalidOperation = typeof(InvalidOperationException);
    private static readonly Type InvalidData = typeof(InvalidDataException);

    public static IReadOnlyList<BadInputCase> Cases { get; } =
    [
        .. ModelForward(), .. NonFinite(), .. Backward(), .. Layers(), .. Loss(), .. Fit(), .. Inference(),
        .. Optimizer(), .. Construction(), .. Loading(), .. IssueThirteen(),
    ];

    /// <summary>The case called <paramref name="name"/>.</summary>
    public static BadInputCase Find(string name) => Cases.Single(c => c.Name == name);

    private static IEnumerable<BadInputCase> ModelForward() =>
    [
        new("Model.Forward: input one column too wide", Argument,
            "In layer 0: Dense(4 -> 10) expects input of shape [batch, 4]*but got [8, 5]*",
            f => f.Model.Forward(Tensor.Zeros(8, 5), ForwardMode.Training)),
        new("Model.Forward: a vector instead of a batch", Argument,
            "In layer 0: Dense(4 -> 10) expects input of shape [batch, 4]*but got [4]*",
            f => f.Model.Forward(Tensor.Zeros(4), ForwardMode.Training)),
        new("Model.Forward: a rank-3 tensor", Argument,
            "In layer 1: BatchNorm expects input of shape [batch, 10]*but got [2, 2, 10]*",
            f => f.Model.Forward(Tensor.Zeros(2, 2, 4), ForwardMode.Inference)),
        new("Model.Forward: an empty batch", Argument,
            "In layer 0: Dense(4 -> 10) expects a batch of at least one row, but got shape [0, 4]*",
            f => f.Model.Forward(Tensor.Zeros(0, 4), ForwardMode.Training)),
        new("Model.Forward: a batch of one row in training (BatchNorm)", Argument,
            "In layer 1: BatchNorm expected more than 1 value per feature*but got input of shape [1, 10]*",
            f => f.Model.Forward(TrainingData.RandomInputs(1, 4, seed: 1), ForwardMode.Training)),
        new("Model.Forward: an undefined mode", OutOfRange,
            "Expected ForwardMode.Training or ForwardMode.Inference, but got 7*",
            f => f.Model.Forward(f.Batch, (ForwardMode)7)),
        new("Model.Forward: a null input", Null, "*(Parameter 'input')*",
            f => f.Model.Forward(null!, ForwardMode.Training)),
        new("Model.Mode: set to an undefined value", OutOfRange,
            "Expected ForwardMode.Training or ForwardMode.Inference, but got -1*",
            f => f.Model.Mode = (ForwardMode)(-1)),
    ];

    private static IEnumerable<BadInputCase> NonFinite() =>
    [
        new("Model.Forward in training: a NaN input", Argument,
            "BatchNorm expected a training batch with a finite mean and variance in every feature, but feature 0 of " +
            "the [8, 10] batch has mean NaN and variance NaN*",
            f => f.Model.Forward(f.BatchWith(3, 1, double.NaN), ForwardMode.Training)),
        new("Model.Forward in training: an infinite input", Argument,
            "*finite mean and variance*feature 0 of the [8, 10] batch has mean *Infinity and variance NaN*",
            f => f.Model.Forward(f.BatchWith(3, 1, double.PositiveInfinity), ForwardMode.Training)),
        new("Model.Forward in training: values whose squares overflow (±1e200)", Argument,
            "*finite mean and variance*feature 0 of the [8, 10] batch has mean * and variance Infinity*",
            f =>
            {
                var batch = f.BatchWith(0, 0, 1e200);
                batch[1, 0] = -1e200;
                f.Model.Forward(batch, ForwardMode.Training);
            }),
        new("BatchNorm.Forward in training, called on the layer: a NaN input", Argument,
            "*finite mean and variance*feature 6 of the [4, 10] batch has mean NaN*",
            f =>
            {
                var batch = TrainingData.RandomInputs(4, 10, seed: 2);
                batch[2, 6] = double.NaN;
                f.Layer(1).Forward(batch, ForwardMode.Training);
            }),
    ];

    private static IEnumerable<BadInputCase> Backward() =>
    [
        new("Model.Backward: before any forward pass", InvalidOperation,
            "Sequential.Backward was called without a forward pass to go back through: call Forward(input, mode)*",
            f => f.Model.Backward(Tensor.Zeros(8, 3))),
        new("Model.Backward: twice after one forward pass", InvalidOperation,
            "Sequential.Backward was called without a forward pass to go back through*then Backward once*",
            f => f.Model.Backward(Tensor.Zeros(8, 3)),
            f => f.Model.Backward(TrainingData.RandomInputs(f.ForwardBatch().Shape[0], 3, seed: 3, 1, 0))),
        new("Model.Backward: a gradient of the wrong shape", Argument,
            "Sequential.Backward expects a gradient of shape [8, 3] (the shape of the last forward output), but got [8, 2]*",
            f => f.Model.Backward(Tensor.Zeros(8, 2)),
            f => f.ForwardBatch()),
        new("Model.Backward: a null gradient", Null, "*(Parameter 'outputGradient')*",
            f => f.Model.Backward(null!),
            f => f.ForwardBatch()),
        new("Model.Backward: the model switched to Eval() between forward and backward", InvalidOperation,
            "Sequential.Backward cannot run: the forward pass ran in Training mode, but the layer has since been " +
            "switched to Inference mode*",
            f => f.Model.Backward(Tensor.Zeros(8, 3)),
            f => { f.ForwardBatch(); f.Model.Eval(); }),
        new("Model.Backward: one child switched to inference alone between forward and backward", InvalidOperation,
            "*forward pass ran in Training mode, but layer 1 (BatchNorm) has since been switched to Inference mode*",
            f => f.Model.Backward(Tensor.Zeros(8, 3)),
            f => { f.ForwardBatch(); f.Layer(1).Eval(); }),
        new("Model.Backward: a child ran its own forward pass since the model's", InvalidOperation,
            "*layer 3 (Dense) has run another forward pass since the model's forward pass*",
            f => f.Model.Backward(Tensor.Zeros(8, 3)),
            f => { f.ForwardBatch(); f.Layer(3).Forward(Tensor.Zeros(5, 10), ForwardMode.Training); }),
        new("Model.Backward: a child already went back on its own", InvalidOperation,
            "*layer 4 (BatchNorm) has already gone back through its forward pass*",
            f => f.Model.Backward(Tensor.Zeros(8, 3)),
            f => { f.ForwardBatch(); f.Layer(4).Backward(TrainingData.RandomInputs(8, 3, seed: 4, 1, 0)); }),
    ];

    private static IEnumerable<BadInputCase> Layers() =>
    [
        new("Dense.Forward: input of the wrong width", Argument,
            "Dense(4 -> 10) expects input of shape [batch, 4]*but got [8, 3]*",
            f => f.Layer(0).Forward(Tensor.Zeros(8, 3), ForwardMode.Training)),
        new("Dense.Backward: a gradient of the wrong shape", Argument,
            "Dense.Backward expects a gradient of shape [8, 10]*but got [8, 4]*",
            f => f.Layer(0).Backward(Tensor.Zeros(8, 4)),
            f => f.Layer(0).Forward(f.Batch, ForwardMode.Training)),
        new("BatchNorm.Forward: input of the wrong width", Argument,
            "BatchNorm expects input of shape [batch, 10] (or [batch, 10, length]), but got [8, 4]*",
            f => f.Layer(1).Forward(Tensor.Zeros(8, 4), ForwardMode.Inference)),
        new("BatchNorm.Forward: a batch of one row in training", Argument,
            "BatchNorm expected more than 1 value per feature*but got input of shape [1, 10]*",
            f => f.Layer(1).Forward(Tensor.Zeros(1, 10), ForwardMode.Training)),
        new("BatchNorm.Backward: before any forward pass of its own", InvalidOperation,
            "BatchNorm.Backward was called without a forward pass to go back through: call Forward(input, mode)*",
            f => f.Layer(4).Backward(Tensor.Zeros(8, 3))),
        new("ReLU.Forward: a vector instead of a batch", Argument,
            "ReLU() expects input of shape [batch, features], but got [10]*",
            f => f.Layer(2).Forward(Tensor.Zeros(10), ForwardMode.Training)),
        new("ReLU.Backward: a gradient of the wrong shape", Argument,
            "ReLU.Backward expects a gradient of shape [8, 10]*but got [8, 9]*",
            f => f.Layer(2).Backward(Tensor.Zeros(8, 9)),
            f => f.Layer(2).Forward(Tensor.Zeros(8, 10), ForwardMode.Training)),
    ];

    private static IEnumerable<BadInputCase> Loss() =>
    [
        new("SoftmaxCrossEntropy.Forward: fewer labels than rows", Argument,
            "Expected one label per row (8), but got 7 labels*",
            f => f.Loss.Forward(f.Logits!, f.Labels.AsSpan(0, 7)),
            f => f.Logits = f.Model.Forward(f.Batch, ForwardMode.Inference)),
        new("SoftmaxCrossEntropy.Forward: a label equal to the class count", Argument,
            "Labels must lie in [0, 3) for 3 classes, but label 2 is 3*",
            f => f.Loss.Forward(f.Logits!, [0, 1, 3, 0, 1, 2, 0, 1]),
            f => f.Logits = f.Model.Forward(f.Batch, ForwardMode.Inference)),
        new("SoftmaxCrossEntropy.Forward: a negative label", Argument,
            "Labels must lie in [0, 3) for 3 classes, but label 0 is -1*",
            f => f.Loss.Forward(f.Logits!, [-1, 1, 2, 0, 1, 2, 0, 1]),
            f => f.Logits = f.Model.Forward(f.Batch, ForwardMode.Inference)),
        new("SoftmaxCrossEntropy.Forward: an empty batch of logits", Argument,
            "SoftmaxCrossEntropy expects a non-empty input of shape [batch, features], but got [0, 3]*",
            f => f.Loss.Forward(Tensor.Zeros(0, 3), [])),
        new("SoftmaxCrossEntropy.Backward: before any forward pass", InvalidOperation,
            "SoftmaxCrossEntropy.Backward was called without a forward pass*call Forward(logits, labels) first*",
            f => f.Loss.Backward(),
            f => f.ConsumeLossForward()),
    ];

    private static IEnumerable<BadInputCase> Fit() =>
    [
        new("Trainer.Fit: one label fewer than rows", Argument,
            "Expected one label per input row (40), but got 39 labels in labels*",
            f => f.Trainer.Fit(f.Inputs, f.Labels[..^1])),
        new("Trainer.Fit: a label equal to the class count", Argument,
            "Labels must lie in [0, 3) for a model with 3 outputs, but labels[5] is 3*",
            f => f.Trainer.Fit(f.Inputs, f.LabelsWith(5, 3))),
        new("Trainer.Fit: a negative label", Argument,
            "Labels must lie in [0, 3) for a model with 3 outputs, but labels[0] is -2*",
            f => f.Trainer.Fit(f.Inputs, f.LabelsWith(0, -2))),
        new("Trainer.Fit: inputs of the wrong width", Argument,
            "In layer 0: Dense(4 -> 10) expects input of shape [batch, 4]*but got [*, 6]*",
            f => f.Trainer.Fit(Tensor.Zeros(40, 6), f.Labels)),
        new("Trainer.Fit: no rows", Argument,
            "Expected inputs of shape [rows, features] (or [rows, time, features]) with at least one row, but got [0, 4]*",
            f => f.Trainer.Fit(Tensor.Zeros(0, 4), [])),
        new("Trainer.Fit: a single row (no batch BatchNorm can train on)", Argument,
            "There is no batch to train on: 1 training rows in batches of 32*",
            f => f.Trainer.Fit(Tensor.FromSpan(f.Inputs.Row(0), 1, 4), [0])),
        new("Trainer.Fit: batch size 1 with BatchNorm", OutOfRange,
            "The model has a BatchNorm that normalises with batch statistics, which needs at least 2 rows per batch, " +
            "but the batch size is 1*",
            f => f.Trainer.Fit(f.Inputs, f.Labels, new FitOptions { BatchSize = 1 })),
        new("FitOptions: batch size 0", OutOfRange, "BatchSize must be at least 1, but was 0*",
            f => f.Trainer.Fit(f.Inputs, f.Labels, new FitOptions { BatchSize = 0 })),
        new("FitOptions: 0 epochs", OutOfRange, "Epochs must be at least 1, but was 0*",
            f => f.Trainer.Fit(f.Inputs, f.Labels, new FitOptions { Epochs = 0 })),
        new("Trainer.Fit: validation labels without validation inputs", Argument,
            "Validation needs both ValidationInputs and ValidationLabels (or ValidationTargets), but only ValidationLabels was given*",
            f => f.Trainer.Fit(f.Inputs, f.Labels, new FitOptions { ValidationLabels = f.Labels })),
        new("Trainer.Fit: validation inputs of the wrong width", Argument,
            "In layer 0: Dense(4 -> 10) expects input of shape [batch, 4]*but got [*, 5]*",
            f => f.Trainer.Fit(f.Inputs, f.Labels,
                new FitOptions { ValidationInputs = Tensor.Zeros(40, 5), ValidationLabels = f.Labels })),
        new("Trainer.Fit: early stopping on validation loss without validation data", Argument,
            "Early stopping monitors ValidationLoss, which needs validation data, but no ValidationInputs were given*",
            f => f.Trainer.Fit(f.Inputs, f.Labels,
                new FitOptions { EarlyStopping = new EarlyStopping { Monitor = TrainingMetric.ValidationLoss } })),
    ];

    private static IEnumerable<BadInputCase> Inference() =>
    [
        new("Predict: batch size 0", OutOfRange, "The batch size must be at least 1, but was 0*",
            f => f.Model.Predict(f.Batch, batchSize: 0)),
        new("Predict: inputs of the wrong width", Argument,
            "In layer 0: Dense(4 -> 10) expects input of shape [batch, 4]*but got [*, 3]*",
            f => f.Model.Predict(Tensor.Zeros(8, 3))),
        new("Evaluate: a label equal to the class count", Argument,
            "Labels must lie in [0, 3) for a model with 3 outputs, but labels[39] is 3*",
            f => f.Model.Evaluate(f.Inputs, f.LabelsWith(39, 3))),
        new("Evaluate: more labels than rows", Argument,
            "Expected one label per input row (8), but got 40 labels in labels*",
            f => f.Model.Evaluate(f.Batch, f.Labels)),
    ];

    private static IEnumerable<BadInputCase> Optimizer() =>
    [
        new("SgdMomentum.LearningRate: set negative", OutOfRange, "LearningRate must lie in [0, ∞), but was -0.1*",
            f => f.Optimizer.LearningRate = -0.1),
        new("SgdMomentum.LearningRate: set to NaN", OutOfRange, "LearningRate must lie in [0, ∞), but was NaN*",
            f => f.Optimizer.LearningRate = double.NaN),
        new("new SgdMomentum: a negative learning rate", OutOfRange, "LearningRate must lie in [0, ∞), but was -1*",
            f => _ = new SgdMomentum(f.Model.Parameters, learningRate: -1)),
        new("new SgdMomentum: momentum 1.5", OutOfRange, "momentum must lie in [0, 1], but was 1.5*",
            f => _ = new SgdMomentum(f.Model.Parameters, 0.1, momentum: 1.5)),
        new("new SgdMomentum: Nesterov without momentum", Argument,
            "Nesterov momentum needs a momentum greater than 0, but momentum is 0*",
            f => _ = new SgdMomentum(f.Model.Parameters, 0.1, nesterov: true)),
        new("new SgdMomentum: a parameter listed twice", Argument,
            "Each parameter may be listed once, but parameter 8 (weight [4, 10]) appears more than once: it is parameter 0 again*",
            f => _ = new SgdMomentum([.. f.Model.Parameters, f.Model.Parameters[0]], 0.1)),
    ];

    private static IEnumerable<BadInputCase> Construction() =>
    [
        new("new BatchNorm: eps 0", OutOfRange, "eps must be a finite number greater than 0, but was 0*",
            f => _ = new BatchNorm(10, eps: 0)),
        new("new BatchNorm: eps negative", OutOfRange, "eps must be a finite number greater than 0, but was -1E-05*",
            f => _ = new BatchNorm(10, eps: -1e-5)),
        new("new BatchNorm: momentum above 1 (Keras's 0.99 would fit; 1.5 does not)", OutOfRange,
            "momentum must lie in [0, 1]*but was 1.5*", f => _ = new BatchNorm(10, momentum: 1.5)),
        new("new BatchNorm: momentum below 0", OutOfRange, "momentum must lie in [0, 1]*but was -0.1*",
            f => _ = new BatchNorm(10, momentum: -0.1)),
        new("new Dense: zero input features", OutOfRange, "inFeatures must be at least 1, but was 0*",
            f => _ = new Dense(0, 3, f.Random)),
        new("new Sequential: a layer of the model used a second time", Argument,
            "Each layer instance may appear once in a model, but Dense(4 -> 10) appears more than once*",
            f => _ = new Sequential(f.Model, f.Layer(0))),
    ];

    private static IEnumerable<BadInputCase> Loading() =>
    [
        new("LoadStateDict: the state of another architecture", Argument,
            "The state dictionary does not fit the model (nothing was loaded):*Missing (*Unexpected (*Mis-shaped (*" +
            "0.weight: expected [10, 4], got [5, 3]*",
            f => f.Model.LoadStateDict(TrainingData.NestedModel(seed: 1).StateDict())),
        new("LoadStateDict: one entry of the wrong shape", Argument,
            "The state dictionary does not fit the model (nothing was loaded):*Mis-shaped (1): 3.weight: expected " +
            "[3, 10], got [10, 3]*",
            f => f.Model.LoadStateDict(Replace(f.Model.StateDict(), "3.weight", Tensor.Zeros(10, 3)))),
        new("LoadStateDict: a negative num_batches_tracked", Argument,
            "*Invalid count (1): 1.num_batches_tracked: expected a whole number of 0 or more*",
            f => f.Model.LoadStateDict(Replace(f.Model.StateDict(), "1.num_batches_tracked", Tensor.Full(-3.0)))),
        new("SgdMomentum.LoadStateDict: the state of another optimizer", Argument,
            "The optimizer state does not fit the optimizer (nothing was loaded):*Missing (*Unexpected (*",
            f =>
            {
                var other = TrainingData.NestedModel(seed: 1);
                f.Optimizer.LoadStateDict(f.Model, new SgdMomentum(other.Parameters, 0.1, 0.9).StateDict(other));
            }),
        // The files are written in the arrange step, so that the snapshot holds their bytes and permissions: loading
        // must leave them as they were.
        new("Load a file cut short into the model", InvalidData,
            "Not a valid safetensors file: tensor '*' has data_offsets [*], outside the data section of * bytes*",
            f => f.Model.LoadStateDict(SafeTensors.Load(Path.Combine(f.Folder, "cut.safetensors"))),
            f => f.WriteFile("cut.safetensors", f.SavedModel()[..^20])),
        new("Load a file whose header length is damaged into the model", InvalidData,
            "Not a valid safetensors file: the header length is 72057594037928??? bytes, but at most * bytes follow*",
            f => f.Model.LoadStateDict(SafeTensors.Load(Path.Combine(f.Folder, "length.safetensors"))),
            f =>
            {
                byte[] file = f.SavedModel();
                file[7] ^= 0x01; // the top byte of the little-endian length: 2^56 more
                f.WriteFile("length.safetensors", file);
            }),
        new("Load a file whose header is not JSON into the model", InvalidData,
            "Not a valid safetensors file: the header is not valid JSON*",
            f => f.Model.LoadStateDict(SafeTensors.Load(Path.Combine(f.Folder, "json.safetensors"))),
            f =>
            {
                byte[] file = f.SavedModel();
                file[8] = (byte)'x';
                f.WriteFile("json.safetensors", file);
            }),
    ];

    /// <summary>Issue 13, one case per item (item 2, the helper-thread race, has its own stress test).</summary>
    private static IEnumerable<BadInputCase> IssueThirteen() =>
    [
        // Item 1: a tensor's storage is the product of its shape.
        new("Tensor.FromMatrix: a sparse 65537 × 65536 matrix, whose size MathNet computes in int", Argument,
            "Shape [65537, 65536] has more elements than an array can hold*",
            f => _ = Tensor.FromMatrix(MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Sparse(65537, 65536))),
        new("Tensor.Zeros: a zero beside a dimension no array can hold", Argument,
            "Shape [2147483647, 0] has more elements than an array can hold, or a dimension larger than one*",
            f => _ = Tensor.Zeros(2147483647, 0)),

        // Item 3: the loader reads only regular files, the prefix and header first.
        new("SafeTensors.Load: a directory", InvalidData,
            "Cannot load '*' as a safetensors file: it is a directory. Nothing was read*",
            f => f.Model.LoadStateDict(SafeTensors.Load(f.Folder)),
            f => f.WriteFile("model.safetensors", f.SavedModel())),
        new("SafeTensors.Load: /dev/zero (endless, reports 0 bytes)", InvalidData,
            "Cannot load '/dev/zero' as a safetensors file: the file system reports 0 bytes*",
            f => f.Model.LoadStateDict(SafeTensors.Load("/dev/zero"))),
        new("SafeTensors.Load: an empty file", InvalidData,
            "Cannot load '*empty.safetensors' as a safetensors file: the file system reports 0 bytes*",
            f => f.Model.LoadStateDict(SafeTensors.Load(Path.Combine(f.Folder, "empty.safetensors"))),
            f => f.WriteFile("empty.safetensors", [])),
        new("Load a header with a zero beside a dimension of 2147483647 into the model", InvalidData,
            "Not a valid safetensors file: tensor 'w' has shape [2147483647, 0], with more elements, or a dimension " +
            "larger, than an array can hold*",
            f => f.Model.LoadStateDict(SafeTensors.Load(Path.Combine(f.Folder, "zero.safetensors"))),
            f => f.WriteFile("zero.safetensors", SafeTensorsFiles.Build(
                """{"w":{"dtype":"F64","shape":[2147483647,0],"data_offsets":[0,0]}}""", []))),

        // Item 4: a trainer whose optimizer does not update its model.
        new("new Trainer: an optimizer over another model's parameters", Argument,
            "The optimizer must update exactly the parameters of the model it trains*Not parameters of the model (8)*",
            f => _ = new Trainer(f.Model, new SgdMomentum(f.Other!.Parameters, 0.1, 0.9)),
            f => f.Other = TrainingData.IrisModel(seed: 22)),
        new("new Trainer: an optimizer over some of the model's parameters", Argument,
            "*Model parameters the optimizer does not update (2): 4.weight [3], 4.bias [3]*",
            f => _ = new Trainer(f.Model, new SgdMomentum(f.Model.Parameters.Take(6), 0.1, 0.9))),
        new("new SgdMomentum: a null parameter", Argument,
            "Expected a parameter at every position, but parameter 1 is null*",
            f => _ = new SgdMomentum([f.Model.Parameters[0], null!], 0.1)),

        // Item 5: nothing sized by the epoch count.
        new("Trainer.Fit: int.MaxValue epochs with a token cancelled before the first batch", null,
            "returns Cancelled before the first batch, allocating nothing per epoch (threw OutOfMemoryException)",
            f => f.Trainer.Fit(f.Inputs, f.Labels, new FitOptions { Epochs = int.MaxValue },
                cancellationToken: new CancellationToken(canceled: true)).StopReason.Should().Be(StopReason.Cancelled)),

        // Item 6: a save never leaves what Load would refuse, and keeps the target as it was when refused.
        new("SafeTensors.Save: a null metadata value, over an owner-only file", Argument,
            "Metadata value 'note' must be a string, but is null, which SafeTensors.Load refuses*",
            f =>
            {
                var state = f.Model.StateDict();
                state.Metadata["note"] = null!;
                SafeTensors.Save(state, Path.Combine(f.Folder, "model.safetensors"));
            },
            f => f.WriteFile("model.safetensors", f.SavedModel())),
        new("SafeTensors.Save: a lone surrogate in a metadata key", Argument,
            "Metadata key '*' holds a lone UTF-16 surrogate*",
            f =>
            {
                var state = f.Model.StateDict();
                state.Metadata[new string(['k', (char)0xD800])] = "value";
                SafeTensors.Save(state, Path.Combine(f.Folder, "model.safetensors"));
            },
            f => f.WriteFile("model.safetensors", f.SavedModel())),
        new("SafeTensors.Save: an integer entry holding 0.5, over an owner-only file", Argument,
            "Integer entry '1.num_batches_tracked' must hold whole numbers to be saved as I64*",
            f =>
            {
                var state = f.Model.StateDict();
                state["1.num_batches_tracked"].AsSpan()[0] = 0.5;
                SafeTensors.Save(state, Path.Combine(f.Folder, "model.safetensors"));
            },
            f => f.WriteFile("model.safetensors", f.SavedModel())),

        // Item 7: exceptions of the documented family.
        new("Tensor.FromRows: a null row", Argument, "Expected 2 rows of values, but row 1 is null*",
            f => _ = Tensor.FromRows([new double[3], null!])),
        new("Tensor indexer: writing past the end of a vector", OutOfRange,
            "Index 3 lies outside shape [3]; expected 0 to 2*",
            f => f.Vector[3] = 9.0),
        new("Predict: a batch whose rows × widest layer exceed an array", Argument,
            "In layer 1: Dense(65536 -> 2) got shape [32769, 65536], more values than one array holds*split the batch*",
            f => f.Other!.Predict(Tensor.Zeros(32769, 1), batchSize: 40_000),
            f => f.Other = new Sequential(new Dense(1, 65536, seed: 1), new Dense(65536, 2, seed: 2))),
        new("new StateBuffer: an integer buffer holding 0.5", Argument,
            "Integer buffer 'steps' must hold whole numbers of magnitude at most 2^53, but holds 0.5*",
            f => _ = new StateBuffer("steps", Tensor.Full(0.5), isInteger: true)),

        // Item 8: a BatchNorm without running statistics normalises each inference batch by itself.
        new("Predict: a BatchNorm without running statistics and a last batch of one row", Argument,
            "The model has a BatchNorm without running statistics, which needs at least 2 rows per batch even in " +
            "inference, but 9 rows in batches of 4 leave a last batch of 1 row*",
            f => f.Other!.Predict(TrainingData.RandomInputs(9, 4, seed: 27), batchSize: 4),
            f => f.Other = new Sequential(new Dense(4, 5, seed: 3), new BatchNorm(5, trackRunningStats: false))),
    ];

    private static StateDictionary Replace(StateDictionary state, string name, Tensor value)
    {
        var copy = new StateDictionary();
        foreach (var (key, tensor) in state)
        {
            copy.Add(key, key == name ? value : tensor, state.IsInteger(key) && key != name);
        }
        return copy;
    }
}
