namespace BatchNormSharp.Tests;

/// <summary>
/// BatchNorm against PyTorch's <c>BatchNorm1d</c> (float64): every <c>Reference/batchnorm1d_*.json</c> case,
/// whoever generated it, is run the same way, and every quantity must lie within 1e-10 (<see cref="Deviation"/>).
/// </summary>
public class BatchNormReferenceTests(ITestOutputHelper output)
{
    public static TheoryData<string> Cases => [.. ReferenceFiles.BatchNormCases()];

    [Fact]
    public void ReferenceFolder_HoldsThePublicCases()
    {
        ReferenceFiles.BatchNormCases().Should().Contain(
        [
            "batchnorm1d_affine_32x10.json", "batchnorm1d_history_8x6.json",
            "batchnorm1d_keras_like_16x5.json", "batchnorm1d_small_4x3.json",
        ]);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardAndBackward_BothModes_MatchPyTorch(string fileName)
    {
        var reference = ReferenceFiles.Load<BatchNormCase>(fileName);
        var table = new DeviationTable(Path.GetFileNameWithoutExtension(fileName));
        var layer = CreateLayer(reference);

        foreach (var batch in reference.HistoryBatches)
        {
            layer.Forward(Tensor.FromRows(batch), ForwardMode.Training);
        }
        CompareTraining(layer, reference, table);
        CompareRunningStatistics(layer, reference, table);
        if (reference.XEval.Length > 0)
        {
            CompareInference(layer, reference, table);
        }

        table.WriteTo(output);
        table.Count.Should().BeGreaterThanOrEqualTo(3, "a case must compare something");
        table.ShouldAllBeWithin();
    }

    private static BatchNorm CreateLayer(BatchNormCase reference)
    {
        var layer = new BatchNorm(reference.D, reference.Eps, reference.Momentum, reference.Affine,
            reference.TrackRunningStats);
        if (reference.Affine)
        {
            TestData.Set(layer.Weight!.Value, reference.Gamma!);
            TestData.Set(layer.Bias!.Value, reference.Beta!);
        }
        if (reference.TrackRunningStats)
        {
            TestData.Set(layer.RunningMean!, reference.RunningMeanIn!);
            TestData.Set(layer.RunningVar!, reference.RunningVarIn!);
        }
        return layer;
    }

    private static void CompareTraining(BatchNorm layer, BatchNormCase reference, DeviationTable table)
    {
        var y = layer.Forward(Tensor.FromRows(reference.X), ForwardMode.Training);
        table.Add("y_train", Deviation.OfMatrix(y, reference.YTrain));
        var dx = layer.Backward(Tensor.FromRows(reference.Dy));
        table.Add("dx", Deviation.OfMatrix(dx, reference.Dx));
        CompareParameterGradients(layer, reference.Dgamma, reference.Dbeta, "", table);
    }

    private static void CompareRunningStatistics(BatchNorm layer, BatchNormCase reference, DeviationTable table)
    {
        if (!reference.TrackRunningStats)
        {
            layer.Buffers.Should().BeEmpty("PyTorch keeps no running statistics in this case");
            return;
        }
        table.Add("running_mean_out", Deviation.OfVector(layer.RunningMean!.AsReadOnlySpan(), reference.RunningMeanOut!));
        table.Add("running_var_out", Deviation.OfVector(layer.RunningVar!.AsReadOnlySpan(), reference.RunningVarOut!));
        table.Add("num_batches_tracked", Deviation.OfScalar(layer.NumBatchesTracked, reference.NumBatchesTracked!.Value));
    }

    private static void CompareInference(BatchNorm layer, BatchNormCase reference, DeviationTable table)
    {
        foreach (var parameter in layer.Parameters)
        {
            parameter.ZeroGrad();
        }
        var y = layer.Forward(Tensor.FromRows(reference.XEval), ForwardMode.Inference);
        table.Add("y_eval", Deviation.OfMatrix(y, reference.YEval));
        var dx = layer.Backward(Tensor.FromRows(reference.DyEval));
        table.Add("dx_eval", Deviation.OfMatrix(dx, reference.DxEval));
        CompareParameterGradients(layer, reference.DgammaEval, reference.DbetaEval, "_eval", table);
    }

    private static void CompareParameterGradients(
        BatchNorm layer, double[]? dgamma, double[]? dbeta, string suffix, DeviationTable table)
    {
        if (!layer.Affine)
        {
            layer.Parameters.Should().BeEmpty("PyTorch has no weight or bias in this case");
            return;
        }
        table.Add("dgamma" + suffix, Deviation.OfVector(layer.Weight!.Gradient.AsReadOnlySpan(), dgamma!));
        table.Add("dbeta" + suffix, Deviation.OfVector(layer.Bias!.Gradient.AsReadOnlySpan(), dbeta!));
    }
}
