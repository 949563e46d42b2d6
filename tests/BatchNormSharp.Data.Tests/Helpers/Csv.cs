using System.Text;

namespace BatchNormSharp.Data.Tests;

/// <summary>Reads CSV text given inline, through a reader or through a temporary file with chosen bytes.</summary>
internal static class Csv
{
    public static TabularDataSet Read(string text, string target, TargetKind kind = TargetKind.ClassIndex,
        IReadOnlyList<string>? features = null, IReadOnlyCollection<string>? missing = null,
        IReadOnlyCollection<string>? categorical = null, string? positiveClass = null) =>
        TabularData.ReadCsv(new StringReader(text), target, kind, features, missing, categorical, positiveClass);

    /// <summary>Writes <paramref name="text"/> to a temporary file (UTF-8, with a byte-order mark when asked), reads
    /// it through the path overload and deletes it.</summary>
    public static TabularDataSet ReadFile(string text, string target, bool byteOrderMark,
        TargetKind kind = TargetKind.ClassIndex)
    {
        string path = Path.Combine(Path.GetTempPath(), $"bns-data-{Guid.NewGuid():N}.csv");
        try
        {
            File.WriteAllText(path, text, new UTF8Encoding(byteOrderMark));
            return TabularData.ReadCsv(path, target, kind);
        }
        finally
        {
            File.Delete(path);
        }
    }

    public static string PenguinsPath => Path.Combine(AppContext.BaseDirectory, "TestData", "penguins.csv");
}
