namespace BatchNormSharp.Data.Tests;

/// <summary>The code of <c>docs/data.md</c>, compiled and run here so that the page cannot drift from the API.</summary>
public sealed class DocsExampleTests
{
    [Fact]
    public void PenguinsExample_AsInDocs_GivesTheShapesAndNamesTheDocsShow()
    {
        string path = Csv.PenguinsPath;

        // --- docs/data.md, "A complete example" (path instead of "data/penguins.csv") ---
        var data = TabularData.ReadCsv(path, target: "sex", targetKind: TargetKind.Binary,
            positiveClass: "MALE", missing: ["NA", "."]);
        var split = data.Split(testFraction: 0.2, seed: 42, stratify: true);
        var encoder = FeatureEncoder.Fit(split.Train);
        Tensor xTrain = encoder.Transform(split.Train);
        Tensor xTest = encoder.Transform(split.Test);
        Tensor yTrain = split.Train.TargetTensor();
        IReadOnlyList<int> labels = split.Train.ClassIndices;
        // ---

        data.Dropped.ToString().Should().Be("Dropped 11 of 344 rows with a missing value (beak_length_mm: 2, " +
            "beak_depth_mm: 2, flipper_length_mm: 2, body_mass_g: 2, sex: 11).");
        xTrain.Shape.ToArray().Should().Equal(266, 10);
        xTest.Shape.ToArray().Should().Equal(67, 10);
        yTrain.Shape.ToArray().Should().Equal(266, 1);
        labels.Select(l => (double)l).Should().Equal(yTrain.ToArray());
        string.Join(", ", encoder.FeatureNames).Should().Be("species=Adelie, species=Chinstrap, species=Gentoo, " +
            "island=Biscoe, island=Dream, island=Torgersen, beak_length_mm, beak_depth_mm, flipper_length_mm, " +
            "body_mass_g");
    }

    [Fact]
    public void PackageReadmeExample_AsWritten_ReadsSplitsAndEncodesThePenguins()
    {
        // The example reads "penguins.csv" from the current folder, as a user's program would: run it in a folder of
        // its own that holds a copy (no other test of this project depends on the current folder), and go back
        // before the folder is deleted.
        DirectoryInfo folder = Directory.CreateTempSubdirectory("bns-data-readme-");
        string previous = Directory.GetCurrentDirectory();
        File.Copy(Csv.PenguinsPath, Path.Combine(folder.FullName, "penguins.csv"));
        Directory.SetCurrentDirectory(folder.FullName);
        try
        {
            // --- src/BatchNormSharp.Data/README.md, as written (ReadmeTests checks that it stays so) ---
            var data = TabularData.ReadCsv("penguins.csv", target: "sex", targetKind: TargetKind.Binary,
                positiveClass: "MALE", missing: ["NA", "."]);
            Console.WriteLine(data.Dropped);                      // Dropped 11 of 344 rows with a missing value (...)
            var split = data.Split(testFraction: 0.2, seed: 42, stratify: true);
            var encoder = FeatureEncoder.Fit(split.Train);        // categories from the training rows only
            Tensor xTrain = encoder.Transform(split.Train), xTest = encoder.Transform(split.Test);
            Tensor yTrain = split.Train.TargetTensor();           // [rows, 1] of 0/1
            // ---

            data.Dropped.ToString().Should().StartWith("Dropped 11 of 344 rows with a missing value (");
            xTrain.Shape.ToArray().Should().Equal(266, 10);
            xTest.Shape.ToArray().Should().Equal(67, 10);
            yTrain.ToArray().Should().OnlyContain(v => v == 0.0 || v == 1.0);
        }
        finally
        {
            Directory.SetCurrentDirectory(previous);
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void TensorExample_AsInDocs_SplitsTensorAndLabelsAlike()
    {
        var x = Tensor.FromArray(new double[,] { { 0, 0 }, { 1, 1 }, { 2, 2 }, { 3, 3 }, { 4, 4 }, { 5, 5 } });
        int[] labels = [0, 0, 0, 1, 1, 1];

        // --- docs/data.md, "For data you already hold as tensors" ---
        RowSplit split = DataSplit.TrainTestStratified(labels, testFraction: 0.2, seed: 42);
        Tensor xTrain = RowSplit.SelectRows(x, split.Train), xTest = RowSplit.SelectRows(x, split.HeldOut);
        int[] yTrain = RowSplit.SelectRows(labels, split.Train), yTest = RowSplit.SelectRows(labels, split.HeldOut);
        // ---

        yTest.Should().HaveCount(2).And.Contain(0).And.Contain(1);
        xTest.Shape.ToArray().Should().Equal(2, 2);
        xTrain.Shape.ToArray().Should().Equal(4, 2);
        for (int i = 0; i < yTrain.Length; i++)
        {
            labels[(int)xTrain[i, 0]].Should().Be(yTrain[i], "rows and labels are picked by the same indices");
        }
    }
}
