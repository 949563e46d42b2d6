using nietras.SeparatedValues;

namespace BatchNormSharp.Data;

/// <summary>
/// The text of a CSV file as Sep parses it: the header's column names and each data row's fields, unquoted, with the
/// file line each row starts on. Blank lines are skipped; every other row must have as many fields as the header.
/// </summary>
internal sealed class CsvTable
{
    private CsvTable(string[] columns, List<string[]> rows, List<int> lines)
    {
        Columns = columns;
        Rows = rows;
        Lines = lines;
    }

    /// <summary>The header's column names, in file order.</summary>
    public string[] Columns { get; }

    /// <summary>The fields of each data row, in file order.</summary>
    public List<string[]> Rows { get; }

    /// <summary>The 1-based file line each data row starts on (a quoted field may span several lines).</summary>
    public List<int> Lines { get; }

    /// <summary>Reads a comma-separated text with a header row.</summary>
    /// <param name="reader">The text; a byte-order mark left at its start is ignored.</param>
    /// <param name="source">How to name the text in errors (a path, or "the CSV text").</param>
    public static CsvTable Read(TextReader reader, string source)
    {
        // Column counts are checked here rather than by Sep, so that a blank line is skipped instead of refused and a
        // short row is reported with its line and the header's width.
        using var csv = Open(reader, source);
        if (!csv.HasHeader || csv.Header.ColNames.Count == 0 ||
            (csv.Header.ColNames.Count == 1 && StripBom(csv.Header.ColNames[0]).Length == 0))
        {
            throw new ArgumentException(
                $"Expected {source} to start with a header row of column names, but it is empty. Add a header line " +
                "such as 'feature1,feature2,target'.");
        }

        string[] columns = [.. csv.Header.ColNames];
        // Sep leaves a UTF-8 byte-order mark in the first name; "\uFEFFspecies" would not match "species".
        columns[0] = StripBom(columns[0]);
        CheckHeader(columns, source);

        var rows = new List<string[]>();
        var lines = new List<int>();
        foreach (var row in csv)
        {
            if (row.ColCount == 1 && row[0].Span.IsWhiteSpace())
            {
                continue;
            }
            if (row.ColCount != columns.Length)
            {
                throw new ArgumentException(
                    $"Expected {columns.Length} fields on every row of {source} (as many as the header has columns), " +
                    $"but line {row.LineNumberFrom} has {row.ColCount}. Quote fields that contain commas " +
                    "(\"a, b\") and give every row a value or an empty field for each column.");
            }
            var fields = new string[columns.Length];
            for (int j = 0; j < fields.Length; j++)
            {
                fields[j] = row[j].ToString();
            }
            rows.Add(fields);
            lines.Add(row.LineNumberFrom);
        }
        return new CsvTable(columns, rows, lines);
    }

    private static SepReader Open(TextReader reader, string source)
    {
        try
        {
            return Sep.New(',')
                .Reader(o => o with { Unescape = true, DisableColCountCheck = true, HasHeader = true })
                .From(reader);
        }
        catch (ArgumentException e)
        {
            // Sep refuses a repeated column name while it reads the header; say so in this library's terms.
            throw new ArgumentException(
                $"Expected distinct column names in the header of {source}, but Sep refused it: {e.Message}. Rename " +
                "the repeated column.", e);
        }
    }

    private static string StripBom(string name) => name.Length > 0 && name[0] == '\uFEFF' ? name[1..] : name;

    private static void CheckHeader(string[] columns, string source)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string name in columns)
        {
            if (name.Length == 0)
            {
                throw new ArgumentException(
                    $"Expected every column of {source} to have a name, but the header '{string.Join(',', columns)}' " +
                    "has an empty one. Name every column in the header row.");
            }
            if (!seen.Add(name))
            {
                throw new ArgumentException(
                    $"Expected distinct column names in {source}, but '{name}' appears twice in the header " +
                    $"'{string.Join(',', columns)}'. Rename one of them.");
            }
        }
    }
}
