// The seed notebook's Keras binary classifier, then the same network on real data.
//   1. 100 rows of 10 standard-normal features with random 0/1 labels; Dense(64) → BatchNorm → ReLU → Dense(32) →
//      BatchNorm → ReLU → Dense(1), binary cross-entropy from the logit, Adam, 15 epochs, batches of 16; the final
//      Loss and Accuracy on the same 100 rows (memorised random labels).
//   2. Palmer penguins: the sex of a penguin from its measurements, species and island; a seeded stratified 80/20
//      split; test accuracy, confusion matrix, precision, recall, F1 and ROC AUC.
//
// Usage: dotnet run --project samples/BinaryClassifier -c Release [-- --seed N] [--epochs N] [--write-split PATH]
//            [--save PATH] [--penguins-only]
//   --seed N            the seed of both experiments (data, initial weights, batch order, split); default 0.
//   --epochs N          the penguin training's epochs (default 15, as the seed's); the random-label run keeps 15.
//   --write-split PATH  write the penguin split's file rows as JSON, for tools/pytorch/penguins_binary.py.
//   --save PATH         save the penguin model (with its Normalization) as a whole-model file, reload it and check
//                       that it predicts the same from the raw inputs.
//   --penguins-only     skip the random-label experiment.
using System.Globalization;
using BinaryClassifier;

int seed = Option(args, "--seed", 0);
int epochs = Option(args, "--epochs", 15);
string? splitPath = PathOption(args, "--write-split");
string? modelPath = PathOption(args, "--save");
if (epochs < 1)
{
    Console.Error.WriteLine($"--epochs must be at least 1, but was {epochs}.");
    return 2;
}

if (!args.Contains("--penguins-only"))
{
    RandomLabels.Run(seed);
    Console.WriteLine();
}
return Penguins.Run(seed, epochs, splitPath, modelPath) ? 0 : 1;

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
