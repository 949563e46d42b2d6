using System.Globalization;
using System.Text;

namespace BatchNormSharp.Data;

/// <summary>
/// The rows a CSV read dropped because a feature or the target was missing: how many, and which columns were
/// missing in them.
/// </summary>
public sealed class MissingValueReport
{
    private readonly int[] _droppedRows;

    internal MissingValueReport(int rowsRead, int[] droppedRows, IReadOnlyList<KeyValuePair<string, int>> byColumn)
    {
        RowsRead = rowsRead;
        _droppedRows = droppedRows;
        ByColumn = byColumn;
    }

    /// <summary>The data rows in the file (the header and blank lines not counted).</summary>
    public int RowsRead { get; }

    /// <summary>The rows dropped for a missing value.</summary>
    public int RowsDropped => _droppedRows.Length;

    /// <summary>The rows kept.</summary>
    public int RowsKept => RowsRead - RowsDropped;

    /// <summary>The dropped rows as 0-based data-row numbers of the file, ascending.</summary>
    public IReadOnlyList<int> DroppedRows => _droppedRows;

    /// <summary>
    /// For each used column (features and target, in file order) with at least one missing value, the number of rows
    /// where it was missing. A row missing several values counts once under each of them, so the counts can add up
    /// to more than <see cref="RowsDropped"/>.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, int>> ByColumn { get; }

    /// <summary>A sentence for a log: <c>Dropped 11 of 344 rows with a missing value (sex: 11, body_mass_g: 2).</c></summary>
    /// <returns>The summary.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Dropped {RowsDropped} of {RowsRead} rows with a missing value");
        if (ByColumn.Count > 0)
        {
            text.Append(" (");
            text.AppendJoin(", ", ByColumn.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}: {p.Value}")));
            text.Append(')');
        }
        return text.Append('.').ToString();
    }
}
