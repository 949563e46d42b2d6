using System.Globalization;
using BatchNormSharp;

namespace StockPrices;

/// <summary>
/// The S&amp;P 500's daily closes, split in time order 70/30, min-max scaled with the training part's range, and cut
/// into look-back windows whose target is the next day's close.
/// </summary>
/// <remarks>
/// The test windows start <c>lookBack</c> days before the split, so that every test day is a target (its window reads
/// only earlier closes, some of them training days): the models and the naive forecast are scored on the same days.
/// </remarks>
internal sealed class StockSeries
{
    private const double TrainingFraction = 0.7;

    private StockSeries(DateOnly[] dates, double[] closes, int trainingDays, int lookBack)
    {
        Dates = dates;
        Closes = closes;
        TrainingDays = trainingDays;
        LookBack = lookBack;
        // Fitted on the training part only: the test part's range is unknown when the model is trained.
        Minimum = closes.AsSpan(0, trainingDays).ToArray().Min();
        Maximum = closes.AsSpan(0, trainingDays).ToArray().Max();
        double[] scaled = [.. closes.Select(Scale)];
        Training = SeriesWindows.Create(scaled.AsSpan(0, trainingDays), lookBack);
        Test = SeriesWindows.Create(scaled.AsSpan(trainingDays - lookBack), lookBack);
    }

    public DateOnly[] Dates { get; }

    public double[] Closes { get; }

    public int TrainingDays { get; }

    public int TestDays => Closes.Length - TrainingDays;

    public int LookBack { get; }

    public double Minimum { get; }

    public double Maximum { get; }

    /// <summary>Windows of the training part: inputs <c>[TrainingDays - lookBack, lookBack, 1]</c>.</summary>
    public WindowedSeries Training { get; }

    /// <summary>One window per test day: inputs <c>[TestDays, lookBack, 1]</c>, targets the test days' scaled closes.</summary>
    public WindowedSeries Test { get; }

    /// <summary>The test days' closes in index points.</summary>
    public ReadOnlySpan<double> TestCloses => Closes.AsSpan(TrainingDays);

    /// <summary>The naive forecast of each test day: the close of the day before.</summary>
    public ReadOnlySpan<double> NaiveForecast => Closes.AsSpan(TrainingDays - 1, TestDays);

    public DateOnly TestStart => Dates[TrainingDays];

    public double Scale(double close) => (close - Minimum) / (Maximum - Minimum);

    public double Unscale(double scaled) => Minimum + (scaled * (Maximum - Minimum));

    /// <summary>Reads <c>date,…,close,…</c> from <paramref name="path"/>, keeping the days from
    /// <paramref name="fromYear"/> on.</summary>
    public static StockSeries Load(string path, int fromYear, int lookBack)
    {
        var dates = new List<DateOnly>();
        var closes = new List<double>();
        using var reader = new StreamReader(path);
        string[] header = (reader.ReadLine() ?? "").Split(',');
        int dateColumn = Array.IndexOf(header, "date"), closeColumn = Array.IndexOf(header, "close");
        if (dateColumn < 0 || closeColumn < 0)
        {
            throw new InvalidDataException($"{path}: expected a header with 'date' and 'close' columns.");
        }
        while (reader.ReadLine() is { } line)
        {
            string[] fields = line.Split(',');
            var date = DateOnly.ParseExact(fields[dateColumn], "yyyy-MM-dd", CultureInfo.InvariantCulture);
            if (date.Year >= fromYear)
            {
                dates.Add(date);
                closes.Add(double.Parse(fields[closeColumn], CultureInfo.InvariantCulture));
            }
        }
        int trainingDays = (int)(TrainingFraction * closes.Count);
        return new StockSeries([.. dates], [.. closes], trainingDays, lookBack);
    }
}
