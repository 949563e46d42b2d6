using BatchNormSharp.Tests.Helpers;


namespace BatchNormSharp.Tests.Hardening;

/// <summary>
/// What a bad-input case acts on: the Iris model trained for a few batches by SGD with momentum, so that every
/// parameter, gradient, momentum buffer and running statistic (and the batch counter) holds a non-trivial value that
/// a careless failure would visibly change. A fresh fixture per case keeps the cases independent.
/// </summary>
internal sealed class CatalogueFixture : IDisposable
{
    /// <summary>The seed of <see cref="Random"/>; a twin source of this seed shows whether a case drew from it.</summary>
    public const int RandomSeed = 25;

    private TemporaryFolder? _folder;

    private CatalogueFixture()
    {
        (Inputs, Labels) = TrainingData.Clusters(40, 4, 3, seed: 21);
        Model = TrainingData.IrisModel(seed: 22);
        Optimizer = new SgdMomentum(Model.Parameters, learningRate: 0.05, momentum: 0.9);
        Trainer = new Trainer(Model, Optimizer);
        Trainer.Fit(Inputs, Labels, new FitOptions { Epochs = 2, BatchSize = 8, Seed = 23 });
        Batch = TrainingData.RandomInputs(8, 4, seed: 24);
        // The loss holds a forward pass waiting for its backward pass, so that a refused Forward that overwrote its
        // probabilities or labels, or dropped the pending pass, shows in the snapshot.
        LossLabels = [0, 1, 2, 0, 1, 2, 0, 1];
        Loss.Forward(TrainingData.RandomInputs(8, 3, seed: 26), LossLabels);
        LossPending = true;
    }

    /// <summary>Dense(4, 10) → BatchNorm(10) → ReLU → Dense(10, 3) → BatchNorm(3), trained for ten batches.</summary>
    public Sequential Model { get; }

    /// <summary>The optimizer that trained <see cref="Model"/>; its momentum buffers are non-zero.</summary>
    public SgdMomentum Optimizer { get; }

    /// <summary>The trainer that trained <see cref="Model"/>.</summary>
    public Trainer Trainer { get; }

    /// <summary>The 40 training rows, shape [40, 4].</summary>
    public Tensor Inputs { get; }

    /// <summary>The 40 training labels, in [0, 3).</summary>
    public int[] Labels { get; }

    /// <summary>A fresh batch of 8 rows that fits the model, shape [8, 4].</summary>
    public Tensor Batch { get; }

    /// <summary>A loss function for the cases about the loss, holding a pending forward pass of <see cref="LossLabels"/>.</summary>
    public SoftmaxCrossEntropy Loss { get; } = new();

    /// <summary>The labels of the loss's last successful forward pass.</summary>
    public int[] LossLabels { get; private set; }

    /// <summary>Whether the loss has a forward pass that its backward pass has not consumed.</summary>
    public bool LossPending { get; private set; }

    /// <summary>A random source handed to constructors; a refused construction must not draw from it.</summary>
    public Random Random { get; } = new(RandomSeed);

    /// <summary>A vector of three values that the tensor cases write to; a refused write must leave it.</summary>
    public Tensor Vector { get; } = Tensor.FromArray([1.5, -2.5, 3.5]);

    /// <summary>A second model a case builds in its arrange step (a fresh layer); part of the snapshot when set.</summary>
    public Layer? Other { get; set; }

    /// <summary>The folder the file cases write into, created on first use; its files are part of the snapshot.</summary>
    public string Folder => (_folder ??= new TemporaryFolder()).Path;

    /// <summary>Whether <see cref="Folder"/> has been created.</summary>
    public bool HasFolder => _folder is not null;

    /// <summary>Logits a case's arrange step computed, for the loss cases.</summary>
    public Tensor? Logits { get; set; }

    public static CatalogueFixture Create() => new();

    /// <summary>The model's layer at <paramref name="index"/>.</summary>
    public Layer Layer(int index) => Model.Layers[index];

    /// <summary><see cref="Batch"/> with one value replaced.</summary>
    public Tensor BatchWith(int row, int column, double value)
    {
        var batch = Batch.Clone();
        batch[row, column] = value;
        return batch;
    }

    /// <summary>The training labels with one replaced.</summary>
    public int[] LabelsWith(int index, int label)
    {
        int[] labels = [.. Labels];
        labels[index] = label;
        return labels;
    }

    /// <summary>A training-mode forward pass of <see cref="Batch"/>, leaving a backward pass pending.</summary>
    public Tensor ForwardBatch() => Model.Forward(Batch, ForwardMode.Training);

    /// <summary>The model's state saved as safetensors bytes.</summary>
    public byte[] SavedModel() => SafeTensorsFiles.ToBytes(Model.StateDict());

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="name"/> in <see cref="Folder"/> with owner-only
    /// permissions (where the system has them), and returns its path.</summary>
    public string WriteFile(string name, byte[] bytes)
    {
        string path = Path.Combine(Folder, name);
        File.WriteAllBytes(path, bytes);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return path;
    }

    /// <summary>Consumes the loss's pending forward pass, as a case's arrange step.</summary>
    public void ConsumeLossForward()
    {
        Loss.Backward();
        LossPending = false;
    }

    public void Dispose() => _folder?.Dispose();
}
