namespace BatchNormSharp.Data;

/// <summary>A data set split in two: the training rows and the held-out test rows, with their positions in the
/// data set that was split.</summary>
public sealed class TabularSplit
{
    internal TabularSplit(TabularDataSet train, TabularDataSet test, RowSplit rows)
    {
        Train = train;
        Test = test;
        TrainRows = rows.Train;
        TestRows = rows.HeldOut;
    }

    /// <summary>The rows to fit on (the encoder and the model).</summary>
    public TabularDataSet Train { get; }

    /// <summary>The held-out rows.</summary>
    public TabularDataSet Test { get; }

    /// <summary>The positions of <see cref="Train"/>'s rows in the data set that was split, ascending.</summary>
    public IReadOnlyList<int> TrainRows { get; }

    /// <summary>The positions of <see cref="Test"/>'s rows in the data set that was split, ascending.</summary>
    public IReadOnlyList<int> TestRows { get; }
}
