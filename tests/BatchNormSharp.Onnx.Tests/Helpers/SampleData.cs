using System.Globalization;
using System.Text.Json;

namespace BatchNormSharp.Onnx.Tests.Helpers;

/// <summary>A labelled data set split into training and test rows.</summary>
internal sealed record LabelledSplit(Tensor TrainInputs, int[] TrainLabels, Tensor TestInputs, int[] TestLabels)
{
    public int Features => TrainInputs.Shape[1];
}

/// <summary>The samples' Iris and Digits data with their fixed splits, read from the test output folder.</summary>
internal static class SampleData
{
    private static readonly string[] Species = ["setosa", "versicolor", "virginica"];

    public static LabelledSplit Iris() => Load("Iris", "iris.csv", fields => Array.IndexOf(Species, fields[^1]));

    public static LabelledSplit Digits() =>
        Load("Digits", "digits.csv", fields => int.Parse(fields[^1], CultureInfo.InvariantCulture));

    private static LabelledSplit Load(string name, string file, Func<string[], int> label)
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "Data", name);
        var rows = new List<double[]>();
        var labels = new List<int>();
        foreach (string line in File.ReadLines(Path.Combine(folder, file)).Skip(1).Where(l => l.Length > 0))
        {
            string[] fields = line.Split(',');
            rows.Add([.. fields[..^1].Select(f => double.Parse(f, CultureInfo.InvariantCulture))]);
            labels.Add(label(fields));
        }
        using var split = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "split.json")));
        int[] train = [.. split.RootElement.GetProperty("train").EnumerateArray().Select(e => e.GetInt32())];
        int[] test = [.. split.RootElement.GetProperty("test").EnumerateArray().Select(e => e.GetInt32())];
        return new LabelledSplit(
            Tensor.FromRows([.. train.Select(i => rows[i])]), [.. train.Select(i => labels[i])],
            Tensor.FromRows([.. test.Select(i => rows[i])]), [.. test.Select(i => labels[i])]);
    }
}
