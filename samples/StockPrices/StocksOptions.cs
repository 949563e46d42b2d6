using System.Globalization;
using BatchNormSharp;

namespace StockPrices;

/// <summary>Command-line options: <c>--seed N</c>, <c>--epochs N</c>, <c>--lookback N</c>, <c>--hidden N</c>,
/// <c>--variant seed|cooijmans</c>, <c>--target closes|returns</c>, <c>--from 2005|2000</c>, <c>--out DIR</c>.</summary>
internal sealed record StocksOptions
{
    public int Seed { get; init; }

    // The seed's cap; early stopping (patience 10) ends training long before it in practice.
    public int Epochs { get; init; } = 100;

    // 30 trading days (six weeks) gives the recurrent cell something to read; the seed's window of 1 is `--lookback 1`.
    public int LookBack { get; init; } = 30;

    // 32 rather than the seed's 64 keeps both models' training under a minute on two cores (see the README's timings).
    public int Hidden { get; init; } = 32;

    public BatchNormLSTMVariant Variant { get; init; } = BatchNormLSTMVariant.SharedGateStatistics;

    public ForecastTarget Target { get; init; } = ForecastTarget.Closes;

    // The seed notebook's range starts in 2005; the file goes back to 2000.
    public int FromYear { get; init; } = 2005;

    public string OutputFolder { get; init; } = Path.Combine("artifacts", "stocks");

    public const string Usage =
        "Usage: StockPrices [--seed N] [--epochs N] [--lookback N] [--hidden N] [--variant seed|cooijmans] " +
        "[--target closes|returns] [--from 2005|2000] [--out DIR]";

    public static StocksOptions Parse(string[] args)
    {
        var options = new StocksOptions();
        for (int i = 0; i < args.Length; i++)
        {
            options = args[i] switch
            {
                "--seed" => options with { Seed = Number(args, ++i, 0) },
                "--epochs" => options with { Epochs = Number(args, ++i, 1) },
                "--lookback" => options with { LookBack = Number(args, ++i, 1) },
                "--hidden" => options with { Hidden = Number(args, ++i, 1) },
                "--variant" => options with { Variant = ParseVariant(Text(args, ++i)) },
                "--target" => options with { Target = ParseTarget(Text(args, ++i)) },
                "--from" => options with { FromYear = ParseYear(Number(args, ++i, 2000)) },
                "--out" => options with { OutputFolder = Text(args, ++i) },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'. {Usage}"),
            };
        }
        return options;
    }

    private static BatchNormLSTMVariant ParseVariant(string value) => value switch
    {
        "seed" => BatchNormLSTMVariant.SharedGateStatistics,
        "cooijmans" => BatchNormLSTMVariant.Cooijmans,
        _ => throw new ArgumentException($"Option '--variant' takes 'seed' or 'cooijmans', but got '{value}'. {Usage}"),
    };

    private static ForecastTarget ParseTarget(string value) => value switch
    {
        "closes" => ForecastTarget.Closes,
        "returns" => ForecastTarget.Returns,
        _ => throw new ArgumentException($"Option '--target' takes 'closes' or 'returns', but got '{value}'. {Usage}"),
    };

    private static int ParseYear(int year) => year is 2000 or 2005
        ? year
        : throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
            $"Option '--from' takes 2005 (the seed's range, the default) or 2000 (the whole file), but got {year}."));

    private static string Text(string[] args, int index) => index < args.Length
        ? args[index]
        : throw new ArgumentException($"Option '{args[index - 1]}' needs a value. {Usage}");

    private static int Number(string[] args, int index, int minimum)
    {
        string text = Text(args, index);
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= minimum
            ? value
            : throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Option '{args[index - 1]}' needs a whole number of at least {minimum}, but got '{text}'."));
    }
}
