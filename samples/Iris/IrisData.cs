using System.Globalization;
using System.Text.Json;
using BatchNormSharp;

namespace IrisSample;

/// <summary>Fisher's iris measurements with the seed notebook's 120/30 train/test split.</summary>
internal sealed record IrisData(Tensor TrainFeatures, int[] TrainLabels, Tensor TestFeatures, int[] TestLabels)
{
    public static readonly string[] Species = ["setosa", "versicolor", "virginica"];

    /// <summary>Reads <c>iris.csv</c> and <c>split.json</c> from <paramref name="folder"/>.</summary>
    public static IrisData Load(string folder)
    {
        var (features, labels) = ReadCsv(Path.Combine(folder, "iris.csv"));
        using var split = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "split.json")));
        int[] train = Indices(split.RootElement.GetProperty("train"));
        int[] test = Indices(split.RootElement.GetProperty("test"));
        return new IrisData(
            Tensor.FromRows(train.Select(i => features[i]).ToArray()), train.Select(i => labels[i]).ToArray(),
            Tensor.FromRows(test.Select(i => features[i]).ToArray()), test.Select(i => labels[i]).ToArray());
    }

    private static (List<double[]> Features, List<int> Labels) ReadCsv(string path)
    {
        var features = new List<double[]>();
        var labels = new List<int>();
        foreach (string line in File.ReadLines(path).Skip(1).Where(l => l.Length > 0))
        {
            string[] fields = line.Split(',');
            features.Add(fields[..4].Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray());
            labels.Add(Array.IndexOf(Species, fields[4]));
        }
        return (features, labels);
    }

    private static int[] Indices(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();
}
