namespace BatchNormSharp.Data.Tests;

/// <summary>ReadCsv: parsing edge cases, missing values, column selection, number or text, and targets.</summary>
public sealed class TabularDataTests
{
    [Fact]
    public void ReadCsv_QuotedFieldsWithCommasAndQuotes_AreOneValueEach()
    {
        const string text = "name,x,label\n\"Smith, Jr.\",1.5,a\n\"say \"\"hi\"\"\",2,b\n";

        var data = Csv.Read(text, "label");

        data.Texts("name").Should().Equal("Smith, Jr.", "say \"hi\"");
        data.Numbers("x").Should().Equal(1.5, 2.0);
    }

    [Fact]
    public void ReadCsv_QuotedLineBreak_StaysInsideTheField()
    {
        var data = Csv.Read("note,y\n\"two\nlines\",1\nplain,2\n", "y", TargetKind.Real);

        data.Texts("note").Should().Equal("two\nlines", "plain");
        data.TargetValues.Should().Equal(1.0, 2.0);
    }

    [Fact]
    public void ReadCsv_EmptyLines_AreSkippedNotRows()
    {
        var data = Csv.Read("x,y\n\n1,a\n\n\n2,b\n\n", "y");

        data.RowCount.Should().Be(2);
        data.Dropped.RowsRead.Should().Be(2);
        data.SourceRows.Should().Equal(0, 1);
    }

    [Fact]
    public void ReadCsv_CrlfLineEnds_ReadLikeLf()
    {
        var crlf = Csv.Read("x,island,y\r\n1.25,Dream,a\r\n2,Biscoe,b\r\n", "y");

        crlf.Numbers("x").Should().Equal(1.25, 2.0);
        crlf.Texts("island").Should().Equal(["Dream", "Biscoe"], "no carriage return may cling to a field");
        crlf.ClassIndices.Should().Equal(0, 1);
        crlf.Classes.Should().Equal("a", "b");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ReadCsv_FileWithOrWithoutByteOrderMark_FindsFirstColumnByName(bool byteOrderMark)
    {
        var data = Csv.ReadFile("species,x\r\nAdelie,1\r\nGentoo,2\r\n", "species", byteOrderMark);

        data.TargetColumn.Should().Be("species");
        data.Classes.Should().Equal("Adelie", "Gentoo");
    }

    [Fact]
    public void ReadCsv_ByteOrderMarkLeftInText_IsIgnored()
    {
        var data = Csv.Read("\uFEFFspecies,x\nAdelie,1\n", "species");

        data.TargetColumn.Should().Be("species");
        data.FeatureColumns.Should().Equal("x");
    }

    [Fact]
    public void ReadCsv_MissingTargetColumn_NamesItAndTheColumnsThatExist()
    {
        var act = () => Csv.Read("species,island,sex\nAdelie,Dream,MALE\n", "Sex");

        act.Should().Throw<ArgumentException>()
            .WithMessage("*target column named 'Sex'*columns are 'species', 'island', 'sex'*Did you mean 'sex'?*")
            .And.ParamName.Should().Be("target");
    }

    [Fact]
    public void ReadCsv_MissingFeatureColumn_NamesItAndTheColumnsThatExist()
    {
        var act = () => Csv.Read("a,b,y\n1,2,3\n", "y", features: ["a", "c"]);

        act.Should().Throw<ArgumentException>().WithMessage("*feature column named 'c'*'a', 'b', 'y'*");
    }

    [Fact]
    public void ReadCsv_NonNumericInNumericColumn_NamesLineRowColumnAndValue()
    {
        const string text = "mass,beak,y\n3750,39.1,a\n3800,39.5,b\n3250,4O.3,a\n";

        var act = () => Csv.Read(text, "y");

        act.Should().Throw<ArgumentException>()
            .WithMessage("*column 'beak'*line 4 (data row 3)*'4O.3'*categorical:*");
    }

    [Fact]
    public void ReadCsv_DecimalComma_IsRefusedNotMisread()
    {
        var act = () => Csv.Read("x,y\n1.5,a\n\"2,5\",b\n", "y");

        act.Should().Throw<ArgumentException>().WithMessage("*invariant culture*line 3*'2,5'*");
    }

    [Fact]
    public void ReadCsv_NaNInNumericColumn_IsRefusedUnlessListedAsMissing()
    {
        const string text = "x,y\n1,a\nNaN,b\n3,a\n";

        var refused = () => Csv.Read(text, "y");
        var dropped = Csv.Read(text, "y", missing: ["NA", "NaN"]);

        refused.Should().Throw<ArgumentException>().WithMessage("*line 3*'NaN'*missing:*");
        dropped.RowCount.Should().Be(2);
    }

    [Fact]
    public void ReadCsv_NumbersWithExponentsAndSigns_ParseInvariantly()
    {
        var data = Csv.Read("x,y\n-1e-3,a\n+2.5E2,b\n 7 ,a\n", "y");

        data.Numbers("x").Should().Equal(-1e-3, 250.0, 7.0);
    }

    [Fact]
    public void ReadCsv_MissingValues_DropRowsAndReportCountsPerColumn()
    {
        const string text = "a,b,c,y\n1,2,3,p\n,2,3,q\nNA,NA,3,p\n1,2,3,\n1,2,.,q\n1,2,3,q\n";

        var data = Csv.Read(text, "y", missing: ["NA", "."]);

        data.RowCount.Should().Be(2);
        data.SourceRows.Should().Equal(0, 5);
        data.Dropped.RowsRead.Should().Be(6);
        data.Dropped.RowsDropped.Should().Be(4);
        data.Dropped.DroppedRows.Should().Equal(1, 2, 3, 4);
        data.Dropped.ByColumn.Should().Equal(
            new KeyValuePair<string, int>("a", 2), new KeyValuePair<string, int>("b", 1),
            new KeyValuePair<string, int>("c", 1), new KeyValuePair<string, int>("y", 1));
        data.Dropped.ToString().Should().Be("Dropped 4 of 6 rows with a missing value (a: 2, b: 1, c: 1, y: 1).");
    }

    [Fact]
    public void ReadCsv_MissingValueInUnusedColumn_KeepsTheRow()
    {
        var data = Csv.Read("a,notes,y\n1,,p\n2,NA,q\n", "y", features: ["a"]);

        data.RowCount.Should().Be(2);
        data.Dropped.RowsDropped.Should().Be(0);
        data.Dropped.ToString().Should().Be("Dropped 0 of 2 rows with a missing value.");
    }

    [Fact]
    public void ReadCsv_FeaturesNamed_ComeInTheGivenOrder()
    {
        var data = Csv.Read("a,b,c,y\n1,2,3,p\n", "y", features: ["c", "a"]);

        data.FeatureColumns.Should().Equal("c", "a");
    }

    [Fact]
    public void ReadCsv_FeaturesNull_AreAllButTargetInFileOrder()
    {
        var data = Csv.Read("a,y,b\n1,p,2\n", "y");

        data.FeatureColumns.Should().Equal("a", "b");
    }

    [Fact]
    public void ReadCsv_TargetListedAsFeatureOrFeatureTwice_Throws()
    {
        var target = () => Csv.Read("a,y\n1,p\n", "y", features: ["a", "y"]);
        var twice = () => Csv.Read("a,y\n1,p\n", "y", features: ["a", "a"]);

        target.Should().Throw<ArgumentException>().WithMessage("*'y' is the target column*");
        twice.Should().Throw<ArgumentException>().WithMessage("*'a' is listed twice*");
    }

    [Fact]
    public void ReadCsv_TextColumn_IsDetectedAndCategoricalForcesNumbersToText()
    {
        var data = Csv.Read("island,year,y\nDream,2007,p\nBiscoe,2008,q\n", "y", categorical: ["year"]);

        data.TextColumns.Should().Equal("island", "year");
        data.Texts("year").Should().Equal("2007", "2008");
        var wrongKind = () => data.Numbers("island");
        wrongKind.Should().Throw<ArgumentException>().WithMessage("*'island' holds text*");
    }

    [Fact]
    public void ReadCsv_CategoricalNotAFeature_Throws()
    {
        var act = () => Csv.Read("a,y\n1,p\n", "y", categorical: ["b"]);

        act.Should().Throw<ArgumentException>().WithMessage("*'b' is not one; the features are 'a'*");
    }

    [Fact]
    public void ReadCsv_RowWithWrongFieldCount_NamesLineAndCounts()
    {
        var act = () => Csv.Read("a,b,y\n1,2,p\n1,p\n", "y");

        act.Should().Throw<ArgumentException>().WithMessage("*3 fields*line 3 has 2*Quote fields that contain commas*");
    }

    [Fact]
    public void ReadCsv_DuplicateOrEmptyHeaderOrNoHeader_Throws()
    {
        var duplicate = () => Csv.Read("a,a,y\n1,2,p\n", "y");
        var unnamed = () => Csv.Read("a,,y\n1,2,p\n", "y");
        var empty = () => Csv.Read("", "y");

        duplicate.Should().Throw<ArgumentException>().WithMessage("*distinct column names*'a'*2 times*");
        unnamed.Should().Throw<ArgumentException>().WithMessage("*has an empty one*");
        empty.Should().Throw<ArgumentException>().WithMessage("*header row*empty*");
    }

    [Fact]
    public void ReadCsv_EveryRowMissing_Throws()
    {
        var act = () => Csv.Read("a,y\n,p\n1,\n", "y");

        act.Should().Throw<ArgumentException>().WithMessage("*at least one complete row*all 2 rows*");
    }

    [Fact]
    public void ReadCsv_ClassTarget_ClassesSortedAndIndexed()
    {
        var data = Csv.Read("x,species\n1,Gentoo\n2,Adelie\n3,Chinstrap\n4,Adelie\n", "species");

        data.Classes.Should().Equal("Adelie", "Chinstrap", "Gentoo");
        data.ClassIndices.Should().Equal(2, 0, 1, 0);
        data.TargetValues.Should().Equal(2.0, 0.0, 1.0, 0.0);
        data.PositiveClass.Should().BeNull();
    }

    [Fact]
    public void ReadCsv_NumericClassNames_SortNumericallyNotAsText()
    {
        var data = Csv.Read("x,digit\n1,10\n2,2\n3,1\n", "digit");

        data.Classes.Should().Equal("1", "2", "10");
        data.ClassIndices.Should().Equal(2, 1, 0);
    }

    [Fact]
    public void ReadCsv_BinaryTarget_SecondSortedClassIsPositiveByDefault()
    {
        var data = Csv.Read("x,sex\n1,MALE\n2,FEMALE\n", "sex", TargetKind.Binary);

        data.Classes.Should().Equal("FEMALE", "MALE");
        data.PositiveClass.Should().Be("MALE");
        data.ClassIndices.Should().Equal(1, 0);
    }

    [Fact]
    public void ReadCsv_BinaryTargetWithPositiveClass_ThatClassIsOne()
    {
        var data = Csv.Read("x,sex\n1,MALE\n2,FEMALE\n", "sex", TargetKind.Binary, positiveClass: "FEMALE");

        data.Classes.Should().Equal("MALE", "FEMALE");
        data.ClassIndices.Should().Equal(0, 1);
        var tensor = data.TargetTensor();
        tensor.Shape.ToArray().Should().Equal(2, 1);
        tensor.ToArray().Should().Equal(0.0, 1.0);
    }

    [Fact]
    public void ReadCsv_BinaryTargetWithThreeClasses_ListsThemAndHintsAtMissing()
    {
        var act = () => Csv.Read("x,sex\n1,MALE\n2,FEMALE\n3,.\n", "sex", TargetKind.Binary);
        var unknownPositive = () => Csv.Read("x,sex\n1,MALE\n2,FEMALE\n", "sex", TargetKind.Binary,
            positiveClass: "male");

        act.Should().Throw<ArgumentException>().WithMessage("*exactly 2 classes*found 3: '.', 'FEMALE', 'MALE'*missing:*");
        unknownPositive.Should().Throw<ArgumentException>().WithMessage("*'FEMALE', 'MALE'*'male'*");
    }

    [Fact]
    public void ReadCsv_PositiveClassWithoutBinary_Throws()
    {
        var act = () => Csv.Read("x,y\n1,a\n", "y", positiveClass: "a");

        act.Should().Throw<ArgumentException>().WithMessage("*TargetKind.Binary only*");
    }

    [Fact]
    public void ReadCsv_RealTarget_ParsesValuesAndNamesABadOne()
    {
        var data = Csv.Read("x,mass\n1,3750\n2,4250.5\n", "mass", TargetKind.Real);
        var bad = () => Csv.Read("x,mass\n1,3750\n2,heavy\n", "mass", TargetKind.Real);

        data.TargetValues.Should().Equal(3750.0, 4250.5);
        data.Classes.Should().BeEmpty();
        var indices = () => data.ClassIndices;
        indices.Should().Throw<InvalidOperationException>().WithMessage("*real values*");
        bad.Should().Throw<ArgumentException>().WithMessage("*column 'mass'*line 3*'heavy'*TargetKind.ClassIndex*");
    }

    [Fact]
    public void ReadCsv_MissingFile_ThrowsFileNotFound()
    {
        var act = () => TabularData.ReadCsv(Path.Combine(Path.GetTempPath(), "no-such-file-bns.csv"), "y");

        act.Should().Throw<FileNotFoundException>();
    }
}
