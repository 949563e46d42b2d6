namespace BatchNormSharp.Data.Tests;

/// <summary>TabularDataSet: subsets keep the file's row numbers, splits are seeded and stratified.</summary>
public sealed class TabularDataSetTests
{
    private static TabularDataSet Classes(int a, int b, int c)
    {
        var text = new System.Text.StringBuilder("x,y\n");
        int row = 0;
        foreach (var (label, count) in new[] { ("a", a), ("b", b), ("c", c) })
        {
            for (int i = 0; i < count; i++)
            {
                text.Append(row++).Append(',').Append(label).Append('\n');
            }
        }
        return Csv.Read(text.ToString(), "y");
    }

    [Fact]
    public void Subset_Rows_KeepsValuesTargetsAndSourceRows()
    {
        var data = Csv.Read("x,y\n1,a\n,b\n3,c\n4,a\n", "y");

        var subset = data.Subset([2, 0]);

        subset.Numbers("x").Should().Equal(4.0, 1.0);
        subset.ClassIndices.Should().Equal(0, 0);
        subset.SourceRows.Should().Equal(3, 0);
        subset.Classes.Should().Equal("a", "c");
        subset.Dropped.Should().BeSameAs(data.Dropped);
    }

    [Fact]
    public void Split_SameSeed_SameRowsAndPartsMatchTheirIndices()
    {
        var data = Classes(40, 30, 10);

        var a = data.Split(0.25, seed: 9, stratify: true);
        var b = data.Split(0.25, seed: 9, stratify: true);

        a.TestRows.Should().Equal(b.TestRows);
        a.TrainRows.Should().Equal(b.TrainRows);
        a.Test.RowCount.Should().Be(20);
        a.Train.RowCount.Should().Be(60);
        a.Test.Numbers("x").Should().Equal(a.TestRows.Select(i => (double)i), "x holds the row number");
        a.Train.SourceRows.Should().Equal(a.TrainRows);
    }

    [Fact]
    public void Split_Stratified_KeepsEachClassWithinOneRow()
    {
        var data = Classes(41, 29, 11);
        for (int seed = 0; seed < 10; seed++)
        {
            var split = data.Split(0.2, seed, stratify: true);

            int[] counts = [.. Enumerable.Range(0, 3).Select(c => split.Test.ClassIndices.Count(i => i == c))];
            Math.Abs(counts[0] - (0.2 * 41)).Should().BeLessThan(1);
            Math.Abs(counts[1] - (0.2 * 29)).Should().BeLessThan(1);
            Math.Abs(counts[2] - (0.2 * 11)).Should().BeLessThan(1);
        }
    }

    [Fact]
    public void Split_NotStratified_IsSeededToo()
    {
        var data = Classes(10, 10, 10);

        data.Split(0.3, 1).TestRows.Should().Equal(data.Split(0.3, 1).TestRows);
        data.Split(0.3, 1).TestRows.Should().NotEqual(data.Split(0.3, 2).TestRows);
    }

    [Fact]
    public void Split_StratifiedRealTarget_Throws()
    {
        var data = Csv.Read("x,y\n1,1.5\n2,2.5\n", "y", TargetKind.Real);

        var act = () => data.Split(0.5, 0, stratify: true);

        act.Should().Throw<ArgumentException>().WithMessage("*stratified split needs class targets*");
    }

    [Fact]
    public void NumbersAndTexts_UnknownColumn_ListsTheFeatures()
    {
        var data = Csv.Read("a,b,y\n1,x,p\n", "y");

        var numbers = () => data.Numbers("c");
        var texts = () => data.Texts("a");

        numbers.Should().Throw<ArgumentException>().WithMessage("*'c' is not one; the features are 'a', 'b'*");
        texts.Should().Throw<ArgumentException>().WithMessage("*'a' holds numbers*categorical:*");
    }
}
