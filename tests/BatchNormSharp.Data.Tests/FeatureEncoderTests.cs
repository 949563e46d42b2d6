namespace BatchNormSharp.Data.Tests;

/// <summary>FeatureEncoder: numbers through, text one-hot with sorted categories learned on the fitted rows only,
/// unseen categories as an error or all zeros.</summary>
public sealed class FeatureEncoderTests
{
    private const string Text =
        "mass,island,species,y\n" +
        "3750,Torgersen,Adelie,p\n" +
        "4000,Biscoe,Gentoo,q\n" +
        "3500,Dream,Adelie,p\n" +
        "4100,Biscoe,Chinstrap,q\n";

    [Fact]
    public void Transform_FittedRows_NumbersThenSortedOneHotBlocksInColumnOrder()
    {
        var data = Csv.Read(Text, "y");

        var encoder = FeatureEncoder.Fit(data);
        var x = encoder.Transform(data);

        encoder.FeatureNames.Should().Equal("mass", "island=Biscoe", "island=Dream", "island=Torgersen",
            "species=Adelie", "species=Chinstrap", "species=Gentoo");
        encoder.FeatureCount.Should().Be(7);
        encoder.Categories("island").Should().Equal("Biscoe", "Dream", "Torgersen");
        x.Shape.ToArray().Should().Equal(4, 7);
        x.To2DArray().Should().BeEquivalentTo(new double[,]
        {
            { 3750, 0, 0, 1, 1, 0, 0 },
            { 4000, 1, 0, 0, 0, 0, 1 },
            { 3500, 0, 1, 0, 1, 0, 0 },
            { 4100, 1, 0, 0, 0, 1, 0 },
        }, o => o.WithStrictOrdering());
    }

    [Fact]
    public void Fit_TrainingRows_LearnsOnlyTheirCategories()
    {
        var data = Csv.Read(Text, "y");
        var train = data.Subset([0, 1, 2]);

        var encoder = FeatureEncoder.Fit(train);

        encoder.Categories("species").Should().Equal(["Adelie", "Gentoo"], "a category only in other rows is not learned");
    }

    [Fact]
    public void Transform_UnseenCategory_ErrorNamesColumnValueRowAndKnownCategories()
    {
        var data = Csv.Read(Text, "y");
        var encoder = FeatureEncoder.Fit(data.Subset([0, 1, 2]));

        var act = () => encoder.Transform(data.Subset([3]));

        act.Should().Throw<ArgumentException>()
            .WithMessage("*'species'*'Chinstrap'*data row 4*'Adelie', 'Gentoo'*UnseenCategory.AllZero*");
    }

    [Fact]
    public void Transform_UnseenCategoryWithAllZero_EncodesZerosInThatBlockOnly()
    {
        var data = Csv.Read(Text, "y");
        var encoder = FeatureEncoder.Fit(data.Subset([0, 1, 2]), UnseenCategory.AllZero);

        var x = encoder.Transform(data.Subset([3, 0]));

        encoder.FeatureNames.Should().Equal("mass", "island=Biscoe", "island=Dream", "island=Torgersen",
            "species=Adelie", "species=Gentoo");
        x.To2DArray().Should().BeEquivalentTo(new double[,]
        {
            { 4100, 1, 0, 0, 0, 0 },
            { 3750, 0, 0, 1, 1, 0 },
        }, o => o.WithStrictOrdering());
    }

    [Fact]
    public void Transform_OtherColumns_ThrowsNamingBoth()
    {
        var encoder = FeatureEncoder.Fit(Csv.Read(Text, "y"));
        var other = Csv.Read(Text, "y", features: ["mass", "island"]);
        var retyped = Csv.Read(Text, "y", categorical: ["mass"]);

        var act = () => encoder.Transform(other);
        var kind = () => encoder.Transform(retyped);

        act.Should().Throw<ArgumentException>().WithMessage("*'species' (text)*but the data has 'mass' (number), 'island' (text)*");
        kind.Should().Throw<ArgumentException>().WithMessage("*'mass' (text)*");
    }

    [Fact]
    public void Categories_NumericColumn_Throws()
    {
        var encoder = FeatureEncoder.Fit(Csv.Read(Text, "y"));

        var act = () => encoder.Categories("mass");

        act.Should().Throw<ArgumentException>().WithMessage("*text columns are 'island', 'species'*");
    }
}
