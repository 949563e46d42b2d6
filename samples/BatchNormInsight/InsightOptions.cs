using System.Globalization;

namespace BatchNormInsight;

/// <summary>Command-line options: <c>--out DIR</c>, <c>--seed N</c>, <c>--epochs N</c>.</summary>
internal sealed record InsightOptions
{
    public string OutputFolder { get; init; } = Path.Combine("artifacts", "insight");
    public int Seed { get; init; } = 1;
    public int Epochs { get; init; } = 50;

    public const string Usage = "Usage: BatchNormInsight [--out DIR] [--seed N] [--epochs N]";

    public static InsightOptions Parse(string[] args)
    {
        var options = new InsightOptions();
        for (int i = 0; i < args.Length; i++)
        {
            options = args[i] switch
            {
                "--out" => options with { OutputFolder = Text(args, ++i) },
                "--seed" => options with { Seed = Number(args, ++i) },
                "--epochs" => options with { Epochs = Number(args, ++i) },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'. {Usage}"),
            };
        }
        return options;
    }

    private static string Text(string[] args, int index) => index < args.Length
        ? args[index]
        : throw new ArgumentException($"Option '{args[index - 1]}' needs a value. {Usage}");

    private static int Number(string[] args, int index) =>
        int.TryParse(Text(args, index), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value > 0
            ? value
            : throw new ArgumentException($"Option '{args[index - 1]}' needs a whole number above 0, but got '{args[index]}'.");
}
