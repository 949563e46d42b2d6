namespace BatchNormSharp.Data;

/// <summary>One feature column of a data set: numbers, or text to be one-hot encoded.</summary>
internal sealed class FeatureColumn
{
    private FeatureColumn(string name, double[]? numbers, string[]? texts)
    {
        Name = name;
        Numbers = numbers;
        Texts = texts;
    }

    public string Name { get; }

    /// <summary>The values of a numeric column, or <see langword="null"/> for a text column.</summary>
    public double[]? Numbers { get; }

    /// <summary>The values of a text column, or <see langword="null"/> for a numeric column.</summary>
    public string[]? Texts { get; }

    public bool IsText => Texts is not null;

    public static FeatureColumn Numeric(string name, double[] values) => new(name, values, null);

    public static FeatureColumn Text(string name, string[] values) => new(name, null, values);

    public FeatureColumn Select(IReadOnlyList<int> rows) => IsText
        ? Text(Name, RowSplit.SelectRows(Texts!, rows))
        : Numeric(Name, RowSplit.SelectRows(Numbers!, rows));
}
