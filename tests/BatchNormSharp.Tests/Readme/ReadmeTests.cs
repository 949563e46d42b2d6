namespace BatchNormSharp.Tests.Readme;

/// <summary>
/// Every <c>csharp</c> block of README.md is compiled: its non-blank lines must appear, in order and with whitespace
/// normalised, in one of the compiled sources below. A block edited in the README alone fails here.
/// </summary>
public class ReadmeTests(ITestOutputHelper output)
{
    /// <summary>The compiled files the README may quote, relative to the repository root.</summary>
    private static readonly string[] CompiledSources =
    [
        "samples/Quickstart/Program.cs",
        "tests/BatchNormSharp.Tests/Readme/ReadmeExamples.cs",
        "tests/BatchNormSharp.Tests/UserLayers/PerFeatureScale.cs",
        "tests/BatchNormSharp.Plots.Tests/ReadmePlotsExamples.cs",
        "tests/BatchNormSharp.Data.Tests/DocsExampleTests.cs",
        "tests/BatchNormSharp.Onnx.Tests/DocumentationExampleTests.cs",
        "tests/BatchNormSharp.Onnx.Tests/OnnxOperatorWritersTests.cs",
    ];

    [Fact]
    public void Readme_EveryCsharpBlock_AppearsInOrderInACompiledSource()
    {
        string root = RepositoryRoot();
        var blocks = CsharpBlocks(File.ReadAllText(Path.Combine(root, "README.md")));
        var sources = CompiledSources.ToDictionary(s => s, s => Normalise(File.ReadAllText(Path.Combine(root, s))));

        var failures = new List<string>();
        foreach (var (line, block) in blocks)
        {
            var lines = Normalise(block);
            string? home = sources.FirstOrDefault(s => AppearsInOrder(lines, s.Value)).Key;
            output.WriteLine($"README line {line}: {lines.Count} lines, {(home is null ? "NOT FOUND" : "in " + home)}");
            if (home is null)
            {
                failures.Add($"the csharp block at README.md line {line}: its line \"{FirstMissing(lines, sources.Values)}\" " +
                    "is in no compiled source");
            }
        }

        blocks.Should().HaveCountGreaterThanOrEqualTo(10, because: "the README shows an example per topic");
        failures.Should().BeEmpty(because: "a README block must be copied from compiled code (" +
            string.Join(", ", CompiledSources) + "); change both together");
    }

    [Theory]
    [MemberData(nameof(PackageReadmes))]
    public void PackageReadme_EveryCsharpBlock_AppearsInOrderInACompiledSource(string path)
    {
        // A package README's blocks stand alone on nuget.org, so they carry their using directives and may open with
        // a comment saying what they assume; those lines live at the top of a compiled file or nowhere, and are not
        // looked for. Every other line is.
        string root = RepositoryRoot();
        var blocks = CsharpBlocks(File.ReadAllText(Path.Combine(root, path)));
        var sources = CompiledSources.Select(s => Normalise(File.ReadAllText(Path.Combine(root, s)))).ToList();

        blocks.Should().NotBeEmpty(because: $"{path} shows how to use its package");
        blocks.Where(b => !sources.Any(s => AppearsInOrder(CodeLines(b.Block), s)))
            .Select(b => $"{path} line {b.Line}").Should().BeEmpty(because: "a package README block must be copied " +
                "from compiled code (" + string.Join(", ", CompiledSources) + "); change both together");
    }

    /// <summary>The files packed as a package's README (see each project's PackageReadmeFile).</summary>
    public static TheoryData<string> PackageReadmes => new()
    {
        "src/BatchNormSharp/README.md", "src/BatchNormSharp.Data/README.md", "docs/onnx.md",
    };

    [Theory]
    [MemberData(nameof(PackageReadmes))]
    public void PackageReadme_EveryLinkAndImageIsAbsolute(string path)
    {
        // nuget.org resolves no relative link and shows images only from a few hosts by absolute address.
        string markdown = File.ReadAllText(Path.Combine(RepositoryRoot(), path));
        var targets = System.Text.RegularExpressions.Regex.Matches(markdown, @"\]\(([^)\s]+)[^)]*\)")
            .Select(m => m.Groups[1].Value).ToList();

        targets.Where(t => !t.StartsWith("https://", StringComparison.Ordinal)).Should().BeEmpty(
            because: $"{path} is shown on nuget.org, where a relative link or image is broken");
    }

    [Fact]
    public void AppearsInOrder_OneLineEdited_IsFalse()
    {
        var source = Normalise("var a = 1;\n  var b = 2;   // two\nvar c = 3;\n");

        AppearsInOrder(Normalise("var a = 1;\n\nvar b   = 2;   // two\n"), source).Should().BeTrue();
        AppearsInOrder(Normalise("var a = 1;\nvar b = 3;   // two\n"), source).Should().BeFalse();
        AppearsInOrder(Normalise("var c = 3;\nvar a = 1;\n"), source).Should().BeFalse(because: "order matters");
    }

    [Fact]
    public void CodeLines_DirectivesAndCommentLines_AreLeftOutButUsingDeclarationsKept()
    {
        CodeLines("using BatchNormSharp;   // the package\n// model: a trained model\nusing var s = Open();\nvar a = 1; // one\n")
            .Should().Equal("using var s = Open();", "var a = 1; // one");
    }

    [Fact]
    public void CsharpBlocks_IndentedFenceInAList_IsFound()
    {
        var blocks = CsharpBlocks("text\n- item:\n\n  ```csharp\n  var x = 1;\n  ```\n```bash\nls\n```\n");

        blocks.Should().ContainSingle().Which.Block.Trim().Should().Be("var x = 1;");
    }

    /// <summary>The ```csharp blocks and the README line each starts on.</summary>
    private static List<(int Line, string Block)> CsharpBlocks(string markdown)
    {
        var blocks = new List<(int, string)>();
        string[] lines = markdown.ReplaceLineEndings("\n").Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimStart().StartsWith("```csharp", StringComparison.Ordinal))
            {
                int start = i + 1;
                int end = start;
                while (end < lines.Length && !lines[end].TrimStart().StartsWith("```", StringComparison.Ordinal))
                {
                    end++;
                }
                blocks.Add((i + 1, string.Join('\n', lines[start..end])));
                i = end;
            }
        }
        return blocks;
    }

    /// <summary>Non-blank lines, trimmed, with every run of whitespace made one space.</summary>
    private static List<string> Normalise(string text) =>
        [.. text.ReplaceLineEndings("\n").Split('\n')
            .Select(l => string.Join(' ', l.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)))
            .Where(l => l.Length > 0)];

    /// <summary><see cref="Normalise"/>d lines without using directives and whole-line comments.</summary>
    private static List<string> CodeLines(string block) =>
        [.. Normalise(block).Where(l => !l.StartsWith("//", StringComparison.Ordinal) &&
            !(l.StartsWith("using ", StringComparison.Ordinal) && !l.StartsWith("using var ", StringComparison.Ordinal)))];

    /// <summary>Whether every line of <paramref name="block"/> is a line of <paramref name="source"/>, in order.</summary>
    private static bool AppearsInOrder(List<string> block, List<string> source)
    {
        int at = 0;
        foreach (string line in block)
        {
            while (at < source.Count && source[at] != line)
            {
                at++;
            }
            if (at == source.Count)
            {
                return false;
            }
            at++;
        }
        return true;
    }

    private static string FirstMissing(List<string> block, IEnumerable<List<string>> sources) =>
        block.FirstOrDefault(l => !sources.Any(s => s.Contains(l))) ?? "(every line exists, but not in this order in one file)";

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BatchNorm.sln")) && File.Exists(Path.Combine(dir.FullName, "README.md")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds BatchNorm.sln and README.md.");
    }
}
