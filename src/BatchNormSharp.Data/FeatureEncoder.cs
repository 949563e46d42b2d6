namespace BatchNormSharp.Data;

/// <summary>
/// Turns the feature columns of a <see cref="TabularDataSet"/> into a <c>[rows, features]</c> tensor: numeric columns
/// as they are, each text column one-hot encoded with the categories seen in the rows it was fitted on.
/// </summary>
/// <remarks>
/// <para>Fit on the training rows only and apply the same encoder to validation and test rows, so that no test row
/// decides a column (scikit-learn's <c>OneHotEncoder</c>, Keras's <c>StringLookup(output_mode="one_hot")</c>).</para>
/// <para>A text column <c>island</c> with categories Biscoe, Dream, Torgersen becomes three features named
/// <c>island=Biscoe</c>, <c>island=Dream</c>, <c>island=Torgersen</c>, in ordinal sorted order, at the column's place
/// among the features. A category not seen in fitting is an error by default, or all zeros in its block with
/// <see cref="UnseenCategory.AllZero"/>.</para>
/// </remarks>
public sealed class FeatureEncoder
{
    private readonly string[] _columns;
    private readonly string[]?[] _categories;
    private readonly string[] _featureNames;

    private FeatureEncoder(string[] columns, string[]?[] categories, UnseenCategory unseen)
    {
        _columns = columns;
        _categories = categories;
        Unseen = unseen;
        var names = new List<string>();
        for (int c = 0; c < columns.Length; c++)
        {
            if (categories[c] is { } known)
            {
                names.AddRange(known.Select(k => $"{columns[c]}={k}"));
            }
            else
            {
                names.Add(columns[c]);
            }
        }
        _featureNames = [.. names];
    }

    /// <summary>The name of each output feature, in tensor column order (<c>island=Biscoe</c> for a one-hot
    /// column).</summary>
    public IReadOnlyList<string> FeatureNames => _featureNames;

    /// <summary>The number of output features (the tensor's width).</summary>
    public int FeatureCount => _featureNames.Length;

    /// <summary>What <see cref="Transform"/> does with a category not seen in fitting.</summary>
    public UnseenCategory Unseen { get; }

    /// <summary>Learns the categories of each text column from <paramref name="training"/>.</summary>
    /// <param name="training">The rows to learn from: the training rows, not the whole data set.</param>
    /// <param name="unseen">What to do later with a category these rows do not contain.</param>
    /// <returns>The fitted encoder.</returns>
    public static FeatureEncoder Fit(TabularDataSet training, UnseenCategory unseen = UnseenCategory.Error)
    {
        ArgumentNullException.ThrowIfNull(training);
        if (!Enum.IsDefined(unseen))
        {
            throw new ArgumentOutOfRangeException(nameof(unseen), unseen,
                "Expected UnseenCategory.Error or UnseenCategory.AllZero.");
        }
        var columns = training.Columns;
        var categories = new string[]?[columns.Count];
        for (int c = 0; c < columns.Count; c++)
        {
            if (columns[c].Texts is { } texts)
            {
                categories[c] = [.. texts.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
            }
        }
        return new FeatureEncoder([.. columns.Select(c => c.Name)], categories, unseen);
    }

    /// <summary>The categories learned for a text column, in the order of its one-hot features.</summary>
    /// <param name="column">A text column of the fitted data.</param>
    /// <returns>The sorted categories.</returns>
    /// <exception cref="ArgumentException">The column is not a text column of the fitted data.</exception>
    public IReadOnlyList<string> Categories(string column)
    {
        int c = Array.IndexOf(_columns, column);
        return c >= 0 && _categories[c] is { } known
            ? known
            : throw new ArgumentException(
                $"Expected a text column of the fitted data, but '{column}' is not one; the text columns are " +
                $"{TabularData.List(_columns.Where((_, i) => _categories[i] is not null))}.", nameof(column));
    }

    /// <summary>Encodes the rows of <paramref name="data"/>.</summary>
    /// <param name="data">Rows with the same feature columns as the fitted rows (e.g. the test part of the same
    /// split).</param>
    /// <returns>A new tensor of shape <c>[data.RowCount, FeatureCount]</c>.</returns>
    /// <exception cref="ArgumentException">The columns differ from the fitted ones, or (with
    /// <see cref="UnseenCategory.Error"/>) a category was not seen in fitting; the message names the column, the
    /// value and the file's data row.</exception>
    public Tensor Transform(TabularDataSet data)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckColumns(data);
        int rows = data.RowCount, width = FeatureCount;
        var values = new double[rows * width];
        int offset = 0;
        for (int c = 0; c < _columns.Length; c++)
        {
            FeatureColumn column = data.Columns[c];
            if (_categories[c] is { } known)
            {
                var index = new Dictionary<string, int>(StringComparer.Ordinal);
                for (int k = 0; k < known.Length; k++)
                {
                    index.Add(known[k], k);
                }
                for (int i = 0; i < rows; i++)
                {
                    string value = column.Texts![i];
                    if (index.TryGetValue(value, out int k))
                    {
                        values[(i * width) + offset + k] = 1.0;
                    }
                    else if (Unseen == UnseenCategory.Error)
                    {
                        throw new ArgumentException(
                            $"Column '{column.Name}' has the category '{value}' in data row {data.SourceRows[i] + 1} " +
                            $"of the file, which the rows this encoder was fitted on did not contain (they had " +
                            $"{TabularData.List(known)}). Fit on rows that contain it, or fit with " +
                            "unseen: UnseenCategory.AllZero to encode it as all zeros.", nameof(data));
                    }
                }
                offset += known.Length;
            }
            else
            {
                double[] numbers = column.Numbers!;
                for (int i = 0; i < rows; i++)
                {
                    values[(i * width) + offset] = numbers[i];
                }
                offset++;
            }
        }
        return Tensor.FromSpan(values, rows, width);
    }

    private void CheckColumns(TabularDataSet data)
    {
        var columns = data.Columns;
        bool same = columns.Count == _columns.Length;
        for (int c = 0; same && c < _columns.Length; c++)
        {
            same = columns[c].Name == _columns[c] && columns[c].IsText == (_categories[c] is not null);
        }
        if (!same)
        {
            string Describe(IEnumerable<(string Name, bool IsText)> cols) =>
                string.Join(", ", cols.Select(p => $"'{p.Name}' ({(p.IsText ? "text" : "number")})"));
            throw new ArgumentException(
                $"Expected the feature columns this encoder was fitted on, " +
                $"{Describe(_columns.Select((n, i) => (n, _categories[i] is not null)))}, but the data has " +
                $"{Describe(columns.Select(c => (c.Name, c.IsText)))}. Read both with the same features (and the " +
                "same categorical: list).", nameof(data));
        }
    }
}
