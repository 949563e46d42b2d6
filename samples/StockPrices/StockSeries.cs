using System.Globalization;
using BatchNormSharp;

namespace StockPrices;

/// <summary>
/// The S&amp;P 500's daily closes, split in time order 70/30, and cut into look-back windows whose target is the next
/// day: either the closes themselves, min-max scaled with the training part's range (the seed's), or the daily returns
/// <c>close_t / close_{t-1} - 1</c>, standardised with the training part's mean and standard deviation.
/// </summary>
/// <remarks>
/// The test windows start <c>lookBack</c> days before the split, so that every test day is a target (its window reads
/// only earlier days, some of them training days): the models and the naive forecast are scored on the same days.
/// Scaling is fitted on the training part only: the test part is unknown when the model is trained.
/// </remarks>
internal sealed class StockSeries
{
    private const double TrainingFraction = 0.7;

    private StockSeries(DateOnly[] dates, double[] closes, int trainingDays, int lookBack, ForecastTarget target)
    {
        Dates = dates;
        Closes = closes;
        TrainingDays = trainingDays;
        LookBack = lookBack;
        Target = target;
        if (target == ForecastTarget.Closes)
        {
            double[] training = closes[..trainingDays];
            Offset = training.Min();
            Spread = training.Max() - Offset;
            double[] scaled = [.. closes.Select(close => (close - Offset) / Spread)];
            Training = SeriesWindows.Create(scaled.AsSpan(0, trainingDays), lookBack);
            Test = SeriesWindows.Create(scaled.AsSpan(trainingDays - lookBack), lookBack);
        }
        else
        {
            // returns[j] is day j + 1's return; the training days' returns are j < trainingDays - 1.
            double[] returns = [.. closes.Skip(1).Select((close, j) => (close / closes[j]) - 1.0)];
            double[] training = returns[..(trainingDays - 1)];
            Offset = training.Average();
            Spread = Math.Sqrt(training.Select(r => (r - Offset) * (r - Offset)).Sum() / training.Length);
            double[] scaled = [.. returns.Select(r => (r - Offset) / Spread)];
            Training = SeriesWindows.Create(scaled.AsSpan(0, trainingDays - 1), lookBack);
            Test = SeriesWindows.Create(scaled.AsSpan(trainingDays - 1 - lookBack), lookBack);
        }
    }

    public DateOnly[] Dates { get; }

    public double[] Closes { get; }

    public int TrainingDays { get; }

    public int TestDays => Closes.Length - TrainingDays;

    public int LookBack { get; }

    public ForecastTarget Target { get; }

    /// <summary>What the scaling subtracts: the training closes' minimum, or the training returns' mean.</summary>
    public double Offset { get; }

    /// <summary>What the scaling divides by: the training closes' range, or the training returns' standard deviation.</summary>
    public double Spread { get; }

    /// <summary>Windows of the training part: inputs <c>[TrainingDays - lookBack, lookBack, 1]</c>.</summary>
    public WindowedSeries Training { get; }

    /// <summary>One window per test day: inputs <c>[TestDays, lookBack, 1]</c>, targets the test days' scaled closes.</summary>
    public WindowedSeries Test { get; }

    /// <summary>The test days' closes in index points.</summary>
    public ReadOnlySpan<double> TestCloses => Closes.AsSpan(TrainingDays);

    /// <summary>The naive forecast of each test day: the close of the day before.</summary>
    public ReadOnlySpan<double> NaiveForecast => Closes.AsSpan(TrainingDays - 1, TestDays);

    public DateOnly TestStart => Dates[TrainingDays];

    /// <summary>Turns the model's scaled outputs for the test days into closes in index points.</summary>
    public double[] ToCloses(ReadOnlySpan<double> scaled)
    {
        var closes = new double[scaled.Length];
        for (int i = 0; i < closes.Length; i++)
        {
            double value = Offset + (scaled[i] * Spread);
            closes[i] = Target == ForecastTarget.Closes ? value : Closes[TrainingDays + i - 1] * (1.0 + value);
        }
        return closes;
    }

    /// <summary>Reads <c>date,…,close,…</c> from <paramref name="path"/>, keeping the days from
    /// <paramref name="fromYear"/> on.</summary>
    public static StockSeries Load(string path, int fromYear, int lookBack, ForecastTarget target)
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
        return new StockSeries([.. dates], [.. closes], trainingDays, lookBack, target);
    }
}
