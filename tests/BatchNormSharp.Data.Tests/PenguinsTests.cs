namespace BatchNormSharp.Data.Tests;

/// <summary>The Palmer penguins file the BinaryClassifier sample reads: counts, drops, encoding widths and the
/// stratified 80/20 split.</summary>
public sealed class PenguinsTests
{
    private static TabularDataSet Read() => TabularData.ReadCsv(Csv.PenguinsPath, target: "sex",
        targetKind: TargetKind.Binary, positiveClass: "MALE", missing: ["NA", "."]);

    [Fact]
    public void ReadCsv_Penguins_344RowsRead11Dropped333Kept()
    {
        var data = Read();

        data.Dropped.RowsRead.Should().Be(344);
        data.Dropped.RowsDropped.Should().Be(11);
        data.RowCount.Should().Be(333);
        data.Dropped.ByColumn.Should().Equal(
            new KeyValuePair<string, int>("beak_length_mm", 2), new KeyValuePair<string, int>("beak_depth_mm", 2),
            new KeyValuePair<string, int>("flipper_length_mm", 2), new KeyValuePair<string, int>("body_mass_g", 2),
            new KeyValuePair<string, int>("sex", 11));
        data.Classes.Should().Equal("FEMALE", "MALE");
        data.ClassIndices.Count(c => c == 1).Should().Be(168);
        data.ClassIndices.Count(c => c == 0).Should().Be(165);
    }

    [Fact]
    public void ReadCsv_PenguinsWithoutDotAsMissing_BinaryTargetRefusesTheDot()
    {
        var act = () => TabularData.ReadCsv(Csv.PenguinsPath, "sex", TargetKind.Binary);

        act.Should().Throw<ArgumentException>().WithMessage("*found 3: '.', 'FEMALE', 'MALE'*");
    }

    [Fact]
    public void FeatureEncoder_Penguins_TenFeaturesAfterOneHot()
    {
        var data = Read();

        var encoder = FeatureEncoder.Fit(data);
        var x = encoder.Transform(data);

        data.TextColumns.Should().Equal("species", "island");
        encoder.FeatureNames.Should().Equal("species=Adelie", "species=Chinstrap", "species=Gentoo",
            "island=Biscoe", "island=Dream", "island=Torgersen",
            "beak_length_mm", "beak_depth_mm", "flipper_length_mm", "body_mass_g");
        x.Shape.ToArray().Should().Equal(333, 10);
        x[0, 0].Should().Be(1.0);
        x[0, 5].Should().Be(1.0);
        x[0, 6].Should().Be(39.1);
        x[0, 9].Should().Be(3750);
    }

    [Fact]
    public void Split_PenguinsStratified8020_67TestRowsWithinOnePerClass()
    {
        var data = Read();

        var split = data.Split(0.2, seed: 42, stratify: true);
        var encoder = FeatureEncoder.Fit(split.Train);
        var xTrain = encoder.Transform(split.Train);
        var xTest = encoder.Transform(split.Test);

        split.Test.RowCount.Should().Be(67);
        split.Train.RowCount.Should().Be(266);
        int testMales = split.Test.ClassIndices.Count(c => c == 1);
        Math.Abs(testMales - (0.2 * 168)).Should().BeLessThan(1);
        Math.Abs((67 - testMales) - (0.2 * 165)).Should().BeLessThan(1);
        xTrain.Shape.ToArray().Should().Equal(266, 10);
        xTest.Shape.ToArray().Should().Equal(67, 10);
        split.TrainRows.Intersect(split.TestRows).Should().BeEmpty();
    }
}
