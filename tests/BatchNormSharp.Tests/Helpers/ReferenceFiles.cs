using System.Text.Json;

namespace BatchNormSharp.Tests;

/// <summary>
/// The PyTorch reference vectors in <c>Reference/</c>, copied next to the test assembly by the project file. Tests
/// read them from there, never from outside the repository.
/// </summary>
internal static class ReferenceFiles
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        PropertyNameCaseInsensitive = true,
    };

    /// <summary>The folder holding the JSON files in the test output.</summary>
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Reference");

    /// <summary>The file names (without folder) of every BatchNorm1d case, sorted.</summary>
    public static IReadOnlyList<string> BatchNormCases() =>
        [.. Directory.GetFiles(Folder, "batchnorm1d_*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    /// <summary>Reads and parses one file.</summary>
    public static T Load<T>(string fileName)
    {
        using var stream = File.OpenRead(Path.Combine(Folder, fileName));
        return JsonSerializer.Deserialize<T>(stream, Options)
               ?? throw new InvalidDataException($"{fileName} holds no JSON object.");
    }
}
