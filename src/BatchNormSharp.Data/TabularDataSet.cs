namespace BatchNormSharp.Data;

/// <summary>
/// Rows of a table after reading: feature columns (numbers, or text still to be one-hot encoded) and one target per
/// row. Turn the features into a tensor with a <see cref="FeatureEncoder"/> fitted on the training rows.
/// </summary>
/// <remarks>
/// A data set is immutable: <see cref="Subset"/> and <see cref="Split"/> make new ones. Every row remembers the
/// data row of the file it came from (<see cref="SourceRows"/>), so a prediction can be traced back to the file.
/// </remarks>
public sealed class TabularDataSet
{
    private readonly FeatureColumn[] _columns;
    private readonly string[] _classes;
    private readonly int[]? _classIndices;
    private readonly double[] _targets;
    private readonly int[] _sourceRows;

    internal TabularDataSet(FeatureColumn[] columns, string targetColumn, TargetKind targetKind, string[] classes,
        string? positiveClass, int[]? classIndices, double[] targets, int[] sourceRows, MissingValueReport dropped)
    {
        _columns = columns;
        TargetColumn = targetColumn;
        TargetKind = targetKind;
        _classes = classes;
        PositiveClass = positiveClass;
        _classIndices = classIndices;
        _targets = targets;
        _sourceRows = sourceRows;
        Dropped = dropped;
        FeatureColumns = [.. columns.Select(c => c.Name)];
        TextColumns = [.. columns.Where(c => c.IsText).Select(c => c.Name)];
    }

    /// <summary>The number of rows.</summary>
    public int RowCount => _sourceRows.Length;

    /// <summary>The CSV columns used as features, in file order (before one-hot encoding).</summary>
    public IReadOnlyList<string> FeatureColumns { get; }

    /// <summary>The feature columns that hold text and are one-hot encoded; the others are numbers.</summary>
    public IReadOnlyList<string> TextColumns { get; }

    /// <summary>The name of the target column.</summary>
    public string TargetColumn { get; }

    /// <summary>How the target was read.</summary>
    public TargetKind TargetKind { get; }

    /// <summary>The class names in index order, learned from all rows the read kept: sorted for
    /// <see cref="Data.TargetKind.ClassIndex"/> (see there), <c>[negative, positive]</c> for
    /// <see cref="Data.TargetKind.Binary"/>, empty for <see cref="Data.TargetKind.Real"/>.</summary>
    public IReadOnlyList<string> Classes => _classes;

    /// <summary>The class that is 1 for <see cref="Data.TargetKind.Binary"/>; <see langword="null"/> otherwise.</summary>
    public string? PositiveClass { get; }

    /// <summary>The class index of each row (for a binary target, 1 for <see cref="PositiveClass"/> and 0 for the
    /// other class).</summary>
    /// <exception cref="InvalidOperationException">The target is <see cref="Data.TargetKind.Real"/>.</exception>
    public IReadOnlyList<int> ClassIndices => _classIndices ?? throw new InvalidOperationException(
        $"The target '{TargetColumn}' was read as real values, which have no class indices. Read it with " +
        "TargetKind.ClassIndex or TargetKind.Binary, or use TargetValues.");

    /// <summary>The target of each row as a number: the class index, 0/1, or the real value.</summary>
    public IReadOnlyList<double> TargetValues => _targets;

    /// <summary>The data row of the file each row came from (0-based, header and blank lines not counted).</summary>
    public IReadOnlyList<int> SourceRows => _sourceRows;

    /// <summary>The rows the read dropped for missing values (the same report on every subset of the read).</summary>
    public MissingValueReport Dropped { get; }

    /// <summary>The targets as a <c>[rows, 1]</c> tensor, the shape of a one-output network's predictions (binary
    /// cross-entropy, regression).</summary>
    /// <returns>A new tensor.</returns>
    public Tensor TargetTensor() => Tensor.FromSpan(_targets, _targets.Length, 1);

    /// <summary>The values of a numeric feature column.</summary>
    /// <param name="column">A name in <see cref="FeatureColumns"/> that is not a text column.</param>
    /// <returns>One value per row.</returns>
    /// <exception cref="ArgumentException">No such numeric column.</exception>
    public IReadOnlyList<double> Numbers(string column)
    {
        var found = Column(column);
        return found.Numbers ?? throw new ArgumentException(
            $"Column '{column}' holds text (one-hot encoded by a FeatureEncoder), not numbers. Use Texts(\"{column}\").",
            nameof(column));
    }

    /// <summary>The values of a text feature column.</summary>
    /// <param name="column">A name in <see cref="TextColumns"/>.</param>
    /// <returns>One value per row.</returns>
    /// <exception cref="ArgumentException">No such text column.</exception>
    public IReadOnlyList<string> Texts(string column)
    {
        var found = Column(column);
        return found.Texts ?? throw new ArgumentException(
            $"Column '{column}' holds numbers, not text. Use Numbers(\"{column}\"), or name it in categorical: when " +
            "reading to treat its values as categories.", nameof(column));
    }

    /// <summary>The rows at the given positions, in that order, as a new data set.</summary>
    /// <param name="rows">Positions in this data set (0-based); repeats are allowed.</param>
    /// <returns>A new data set with the same columns, classes and target kind.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A position lies outside <see cref="RowCount"/>.</exception>
    public TabularDataSet Subset(IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int[] sourceRows = RowSplit.SelectRows(_sourceRows, rows);
        return new TabularDataSet([.. _columns.Select(c => c.Select(rows))], TargetColumn, TargetKind, _classes,
            PositiveClass, _classIndices is null ? null : RowSplit.SelectRows(_classIndices, rows),
            RowSplit.SelectRows(_targets, rows), sourceRows, Dropped);
    }

    /// <summary>
    /// A seeded train/test split: <c>ceil(testFraction × rows)</c> rows held out, optionally stratified by class (each
    /// class within one row of its share). The same seed gives the same split. See <see cref="DataSplit"/>.
    /// </summary>
    /// <param name="testFraction">The share held out for testing, strictly between 0 and 1 (e.g. 0.2).</param>
    /// <param name="seed">The seed.</param>
    /// <param name="stratify">Whether to keep each class's share in both parts (class targets only).</param>
    /// <returns>The two parts and their positions in this data set.</returns>
    /// <exception cref="ArgumentException"><paramref name="stratify"/> with a real-valued target.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The fraction is not strictly between 0 and 1, or leaves a part
    /// empty.</exception>
    public TabularSplit Split(double testFraction, int seed, bool stratify = false)
    {
        if (stratify && _classIndices is null)
        {
            throw new ArgumentException(
                $"A stratified split needs class targets, but '{TargetColumn}' was read as real values. Pass " +
                "stratify: false, or read the target with TargetKind.ClassIndex or TargetKind.Binary.",
                nameof(stratify));
        }
        RowSplit rows = stratify
            ? DataSplit.TrainTestStratified(_classIndices!, testFraction, seed)
            : DataSplit.TrainTest(RowCount, testFraction, seed);
        return new TabularSplit(Subset(rows.Train), Subset(rows.HeldOut), rows);
    }

    internal IReadOnlyList<FeatureColumn> Columns => _columns;

    private FeatureColumn Column(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _columns.FirstOrDefault(c => c.Name == name) ?? throw new ArgumentException(
            $"Expected a feature column, but '{name}' is not one; the features are {TabularData.List(FeatureColumns)}.",
            nameof(name));
    }
}
