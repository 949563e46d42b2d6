using System.Globalization;
using System.Text.Json;
using BatchNormSharp;

namespace Digits;

/// <summary>The 1,797 8×8 digits (64 pixel counts 0–16 and the label) with the seed's train/test split.</summary>
internal sealed record DigitsData(Tensor TrainInputs, int[] TrainLabels, Tensor TestInputs, int[] TestLabels)
{
    public const int Features = 64;
    public const int Classes = 10;

    /// <summary>Reads Data/digits.csv and Data/split.json from beside the executable.</summary>
    public static DigitsData Load()
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "Data");
        var (rows, labels) = ReadCsv(Path.Combine(folder, "digits.csv"));
        using var split = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "split.json")));
        int[] train = Indices(split.RootElement.GetProperty("train"));
        int[] test = Indices(split.RootElement.GetProperty("test"));
        return new DigitsData(
            Tensor.FromRows([.. train.Select(i => rows[i])]), [.. train.Select(i => labels[i])],
            Tensor.FromRows([.. test.Select(i => rows[i])]), [.. test.Select(i => labels[i])]);
    }

    /// <summary>
    /// Scales every pixel column to mean 0 and standard deviation 1 using the training rows' statistics only (the
    /// test rows must not leak into training). Columns that are constant in the training set are only centred.
    /// </summary>
    public DigitsData Standardized()
    {
        var mean = new double[Features];
        var std = new double[Features];
        int n = TrainInputs.Shape[0];
        for (int j = 0; j < Features; j++)
        {
            for (int i = 0; i < n; i++)
            {
                mean[j] += TrainInputs[i, j] / n;
            }
            double squares = 0;
            for (int i = 0; i < n; i++)
            {
                squares += (TrainInputs[i, j] - mean[j]) * (TrainInputs[i, j] - mean[j]);
            }
            std[j] = Math.Sqrt(squares / n);
            if (std[j] == 0)
            {
                std[j] = 1; // a pixel that is always blank in training: nothing to scale
            }
        }
        return this with { TrainInputs = Scale(TrainInputs, mean, std), TestInputs = Scale(TestInputs, mean, std) };
    }

    private static Tensor Scale(Tensor inputs, double[] mean, double[] std)
    {
        var scaled = inputs.Clone();
        for (int i = 0; i < scaled.Shape[0]; i++)
        {
            Span<double> row = scaled.Row(i);
            for (int j = 0; j < Features; j++)
            {
                row[j] = (row[j] - mean[j]) / std[j];
            }
        }
        return scaled;
    }

    private static (List<double[]> Rows, List<int> Labels) ReadCsv(string path)
    {
        var rows = new List<double[]>();
        var labels = new List<int>();
        foreach (string line in File.ReadLines(path).Skip(1)) // header: p0..p63,digit
        {
            string[] cells = line.Split(',');
            rows.Add([.. cells.Take(Features).Select(cell => double.Parse(cell, CultureInfo.InvariantCulture))]);
            labels.Add(int.Parse(cells[Features], CultureInfo.InvariantCulture));
        }
        return (rows, labels);
    }

    private static int[] Indices(JsonElement array) => [.. array.EnumerateArray().Select(index => index.GetInt32())];
}
