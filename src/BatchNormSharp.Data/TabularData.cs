using System.Globalization;
using System.Text;

namespace BatchNormSharp.Data;

/// <summary>
/// Reads a CSV file into a <see cref="TabularDataSet"/>: features and a target chosen by column name, rows with a
/// missing value dropped and counted, numbers parsed with the invariant culture.
/// </summary>
/// <remarks>
/// <para><b>The file.</b> Comma-separated with a header row (RFC 4180: fields with commas, quotes or line breaks are
/// quoted, a quote inside is doubled), UTF-8 with or without a byte-order mark, LF or CRLF line ends; blank lines are
/// skipped. Parsing is done by Sep (see the package's README for why).</para>
/// <para><b>Missing values.</b> A field that is empty (or only spaces) or equals one of the <c>missing</c> tokens
/// (default <c>NA</c>) is missing; a row with a missing feature or target is dropped and counted in
/// <see cref="TabularDataSet.Dropped"/>. Columns that are neither features nor the target are ignored.</para>
/// <para><b>Numbers or text.</b> A feature column is numeric when its first kept value parses as a number (invariant
/// culture: <c>1234.5</c>, <c>-1e-3</c>; never <c>1,5</c>); every other value must then parse too, or the read fails
/// naming the line, the column and the value. Otherwise it is text, one-hot encoded by a
/// <see cref="FeatureEncoder"/>. Name a column in <c>categorical</c> to treat numbers as categories (codes, years).
/// <c>NaN</c> and infinities are refused in numeric columns: list them in <c>missing</c> to drop such rows.</para>
/// </remarks>
public static class TabularData
{
    private static readonly string[] DefaultMissing = ["NA"];

    /// <summary>Reads a CSV file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="target">The name of the target column.</param>
    /// <param name="targetKind">Class indices (default), binary 0/1, or real values.</param>
    /// <param name="features">The feature columns in the order wanted, or <see langword="null"/> for every column but
    /// the target, in file order.</param>
    /// <param name="missing">Field values that mean "missing" besides an empty field; default <c>["NA"]</c>.</param>
    /// <param name="categorical">Feature columns to one-hot encode even if they hold numbers.</param>
    /// <param name="positiveClass">For <see cref="TargetKind.Binary"/>, the class that is 1; default the second class
    /// in sorted order.</param>
    /// <returns>The kept rows.</returns>
    /// <exception cref="ArgumentException">A named column does not exist (the message lists those that do), a value
    /// does not parse (the message names its line and column), the file is malformed, or the target does not fit
    /// <paramref name="targetKind"/>.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static TabularDataSet ReadCsv(string path, string target, TargetKind targetKind = TargetKind.ClassIndex,
        IReadOnlyList<string>? features = null, IReadOnlyCollection<string>? missing = null,
        IReadOnlyCollection<string>? categorical = null, string? positiveClass = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Read(reader, $"'{path}'", target, targetKind, features, missing, categorical, positiveClass);
    }

    /// <summary>Reads CSV text from a reader (e.g. a <see cref="StringReader"/>), with the same rules as the file
    /// overload.</summary>
    /// <param name="reader">The CSV text.</param>
    /// <param name="target">The name of the target column.</param>
    /// <param name="targetKind">Class indices (default), binary 0/1, or real values.</param>
    /// <param name="features">The feature columns, or <see langword="null"/> for every column but the target.</param>
    /// <param name="missing">Field values that mean "missing" besides an empty field; default <c>["NA"]</c>.</param>
    /// <param name="categorical">Feature columns to one-hot encode even if they hold numbers.</param>
    /// <param name="positiveClass">For <see cref="TargetKind.Binary"/>, the class that is 1.</param>
    /// <returns>The kept rows.</returns>
    /// <exception cref="ArgumentException">As for the file overload.</exception>
    public static TabularDataSet ReadCsv(TextReader reader, string target, TargetKind targetKind = TargetKind.ClassIndex,
        IReadOnlyList<string>? features = null, IReadOnlyCollection<string>? missing = null,
        IReadOnlyCollection<string>? categorical = null, string? positiveClass = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return Read(reader, "the CSV text", target, targetKind, features, missing, categorical, positiveClass);
    }

    private static TabularDataSet Read(TextReader reader, string source, string target, TargetKind targetKind,
        IReadOnlyList<string>? features, IReadOnlyCollection<string>? missing, IReadOnlyCollection<string>? categorical,
        string? positiveClass)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (!Enum.IsDefined(targetKind))
        {
            throw new ArgumentOutOfRangeException(nameof(targetKind), targetKind,
                "Expected TargetKind.ClassIndex, TargetKind.Binary or TargetKind.Real.");
        }
        if (positiveClass is not null && targetKind != TargetKind.Binary)
        {
            throw new ArgumentException(
                $"positiveClass is used with TargetKind.Binary only, but the target kind is {targetKind}. Pass " +
                "TargetKind.Binary or leave positiveClass out.", nameof(positiveClass));
        }

        CsvTable table = CsvTable.Read(reader, source);
        int targetIndex = IndexOf(table.Columns, target, "target", source, nameof(target));
        int[] featureIndices = FeatureIndices(table.Columns, targetIndex, features, source);
        var missingTokens = new HashSet<string>(missing ?? DefaultMissing, StringComparer.Ordinal);
        var forcedText = new HashSet<string>(StringComparer.Ordinal);
        foreach (string name in categorical ?? [])
        {
            if (!featureIndices.Any(j => table.Columns[j] == name))
            {
                throw new ArgumentException(
                    $"Expected the categorical columns to be features, but '{name}' is not one; the features are " +
                    $"{List(featureIndices.Select(j => table.Columns[j]))}.", nameof(categorical));
            }
            forcedText.Add(name);
        }

        // Drop the rows with a missing feature or target, counting per column.
        int[] used = [.. featureIndices.Order().Append(targetIndex).Order()];
        var missingCounts = new int[table.Columns.Length];
        var kept = new List<int>();
        var dropped = new List<int>();
        for (int r = 0; r < table.Rows.Count; r++)
        {
            bool complete = true;
            foreach (int j in used)
            {
                if (IsMissing(table.Rows[r][j], missingTokens))
                {
                    missingCounts[j]++;
                    complete = false;
                }
            }
            (complete ? kept : dropped).Add(r);
        }
        var report = new MissingValueReport(table.Rows.Count, [.. dropped],
            [.. used.Where(j => missingCounts[j] > 0)
                .Select(j => new KeyValuePair<string, int>(table.Columns[j], missingCounts[j]))]);
        if (kept.Count == 0)
        {
            throw new ArgumentException(
                $"Expected at least one complete row in {source}, but all {table.Rows.Count} rows have a missing " +
                $"feature or target. {report}");
        }

        var columns = new FeatureColumn[featureIndices.Length];
        for (int f = 0; f < featureIndices.Length; f++)
        {
            int j = featureIndices[f];
            string name = table.Columns[j];
            string first = table.Rows[kept[0]][j];
            bool numeric = !forcedText.Contains(name) && TryParseNumber(first, out _);
            columns[f] = numeric
                ? FeatureColumn.Numeric(name, ParseNumbers(table, kept, j, source, isTarget: false))
                : FeatureColumn.Text(name, [.. kept.Select(r => table.Rows[r][j].Trim())]);
        }

        string[] classes = [];
        int[]? classIndices = null;
        double[] targets;
        string? positive = null;
        if (targetKind == TargetKind.Real)
        {
            targets = ParseNumbers(table, kept, targetIndex, source, isTarget: true);
        }
        else
        {
            string[] labels = [.. kept.Select(r => table.Rows[r][targetIndex].Trim())];
            classes = SortClasses(labels.Distinct(StringComparer.Ordinal));
            if (targetKind == TargetKind.Binary)
            {
                (classes, positive) = BinaryClasses(classes, positiveClass, target, source);
            }
            var indexOf = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int c = 0; c < classes.Length; c++)
            {
                indexOf.Add(classes[c], c);
            }
            classIndices = [.. labels.Select(l => indexOf[l])];
            targets = [.. classIndices.Select(i => (double)i)];
        }

        return new TabularDataSet(columns, target, targetKind, classes, positive, classIndices, targets, [.. kept],
            report);
    }

    private static int[] FeatureIndices(string[] columns, int targetIndex, IReadOnlyList<string>? features,
        string source)
    {
        if (features is null)
        {
            int[] all = [.. Enumerable.Range(0, columns.Length).Where(j => j != targetIndex)];
            if (all.Length == 0)
            {
                throw new ArgumentException(
                    $"Expected at least one feature column besides the target '{columns[targetIndex]}', but {source} " +
                    "has no other column.", nameof(features));
            }
            return all;
        }
        if (features.Count == 0)
        {
            throw new ArgumentException(
                "Expected at least one feature column, but the list is empty. Name some, or pass null for every " +
                "column but the target.", nameof(features));
        }
        var indices = new int[features.Count];
        for (int f = 0; f < features.Count; f++)
        {
            indices[f] = IndexOf(columns, features[f], "feature", source, nameof(features));
            if (indices[f] == targetIndex)
            {
                throw new ArgumentException(
                    $"Expected the features to exclude the target, but '{features[f]}' is the target column. Remove " +
                    "it from the features.", nameof(features));
            }
            if (Array.IndexOf(indices, indices[f], 0, f) >= 0)
            {
                throw new ArgumentException(
                    $"Expected each feature once, but '{features[f]}' is listed twice. Remove the repeat.",
                    nameof(features));
            }
        }
        return indices;
    }

    private static int IndexOf(string[] columns, string name, string role, string source, string parameter)
    {
        ArgumentNullException.ThrowIfNull(name, parameter);
        int index = Array.IndexOf(columns, name);
        if (index < 0)
        {
            string? nearly = columns.FirstOrDefault(c => string.Equals(c.Trim(), name.Trim(),
                StringComparison.OrdinalIgnoreCase));
            throw new ArgumentException(
                $"Expected a {role} column named '{name}' in {source}, but there is none; its columns are " +
                $"{List(columns)}." + (nearly is null ? " Pass one of these names." : $" Did you mean '{nearly}'?"),
                parameter);
        }
        return index;
    }

    private static double[] ParseNumbers(CsvTable table, List<int> kept, int column, string source, bool isTarget)
    {
        var values = new double[kept.Count];
        for (int k = 0; k < kept.Count; k++)
        {
            int r = kept[k];
            string field = table.Rows[r][column];
            if (!TryParseNumber(field, out values[k]))
            {
                string hint = isTarget
                    ? "Read the target with TargetKind.ClassIndex or TargetKind.Binary if it holds class names, or " +
                      "fix the value."
                    : $"Fix the value, list it in missing: to drop such rows, or name '{table.Columns[column]}' in " +
                      "categorical: if the column holds categories.";
                throw new ArgumentException(
                    $"Expected a number (invariant culture, e.g. 1234.5) in column '{table.Columns[column]}' of " +
                    $"{source}, but line {table.Lines[r]} (data row {r + 1}) has '{field}'. {hint}");
            }
        }
        return values;
    }

    private static bool TryParseNumber(string field, out double value) =>
        double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    private static bool IsMissing(string field, HashSet<string> tokens)
    {
        string trimmed = field.Trim();
        return trimmed.Length == 0 || tokens.Contains(trimmed);
    }

    /// <summary>Numeric order when every class name is a number ("2" before "10"), ordinal text order otherwise.</summary>
    private static string[] SortClasses(IEnumerable<string> names)
    {
        string[] classes = [.. names];
        bool allNumbers = classes.All(c => TryParseNumber(c, out _));
        return allNumbers
            ? [.. classes.OrderBy(c => double.Parse(c, NumberStyles.Float, CultureInfo.InvariantCulture))
                .ThenBy(c => c, StringComparer.Ordinal)]
            : [.. classes.Order(StringComparer.Ordinal)];
    }

    private static (string[] Classes, string Positive) BinaryClasses(string[] classes, string? positiveClass,
        string target, string source)
    {
        if (classes.Length != 2)
        {
            throw new ArgumentException(
                $"Expected exactly 2 classes in the binary target '{target}' of {source}, but found " +
                $"{classes.Length}: {List(classes)}. If one of them marks a missing value, list it in missing:; " +
                "for more classes use TargetKind.ClassIndex.", nameof(target));
        }
        if (positiveClass is null)
        {
            return (classes, classes[1]);
        }
        int index = Array.IndexOf(classes, positiveClass);
        if (index < 0)
        {
            throw new ArgumentException(
                $"Expected the positive class to be one of the target's classes {List(classes)}, but got " +
                $"'{positiveClass}'.", nameof(positiveClass));
        }
        // The positive class is 1, so it goes second.
        return index == 1 ? (classes, positiveClass) : ([classes[1], classes[0]], positiveClass);
    }

    /// <summary>Names as <c>'a', 'b', 'c'</c> for error messages.</summary>
    internal static string List(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));
}
