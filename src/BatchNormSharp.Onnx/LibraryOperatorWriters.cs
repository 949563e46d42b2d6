namespace BatchNormSharp.Onnx;

/// <summary>
/// The ONNX operator writers of the library's layers, registered in <see cref="RegisterAll"/>: the one place that
/// reads the library's layers for export, through their public members (<see cref="Dense.Weight"/>,
/// <see cref="BatchNorm.RunningMean"/>, ...). A new library layer adds a method and one line there.
/// </summary>
internal static class LibraryOperatorWriters
{
    /// <summary>Registers every library layer's writer; the order is the one messages list them in.</summary>
    public static void RegisterAll()
    {
        OnnxOperatorWriters.Register<Dense>(WriteDense);
        OnnxOperatorWriters.Register<BatchNorm>(WriteBatchNorm);
        OnnxOperatorWriters.Register<Normalization>(WriteNormalization);
        OnnxOperatorWriters.Register<Sigmoid>((context, _) => Elementwise(context, "Sigmoid"));
        OnnxOperatorWriters.Register<Tanh>((context, _) => Elementwise(context, "Tanh"));
        OnnxOperatorWriters.Register<ReLU>((context, _) => Elementwise(context, "Relu"));
    }

    private static OnnxValue Elementwise(OnnxWriteContext context, string opType) =>
        context.Input with { Name = context.Node(opType, [context.Input.Name]) };

    /// <summary><c>Gemm(x, W, b)</c> = <c>x · W + b</c>; the weight is stored <c>[in, out]</c>, so no transpose.</summary>
    private static OnnxValue WriteDense(OnnxWriteContext context, Dense dense)
    {
        context.RequireFeatures(dense, dense.InFeatures);
        var weight = dense.Weight.Value;
        if (weight.Rank != 2 || weight.Shape[0] != dense.InFeatures || weight.Shape[1] != dense.OutFeatures)
        {
            throw new InvalidOperationException(
                $"ONNX export expected the weight of layer {context.Path} ({dense}) stored [in, out] = " +
                $"[{dense.InFeatures}, {dense.OutFeatures}], but it is {dense.Weight}. The Dense layout changed; update " +
                "LibraryOperatorWriters.");
        }
        string w = context.Constant("weight", weight.AsReadOnlySpan(), dense.InFeatures, dense.OutFeatures);
        string b = context.Constant("bias", dense.Bias.Value.AsReadOnlySpan(), dense.OutFeatures);
        return new OnnxValue(context.Node("Gemm", [context.Input.Name, w, b]), dense.OutFeatures);
    }

    /// <summary>
    /// <c>BatchNormalization</c> in inference mode with the running statistics. ONNX keeps <c>epsilon</c> as a
    /// float32 attribute, so 1e-5 would become 9.99999975e-6; the difference is added to the exported variance, so
    /// that ONNX Runtime's <c>var + epsilon</c> equals the library's <c>runningVar + eps</c> to rounding.
    /// (<c>momentum</c> only matters in training and is not written.)
    /// </summary>
    private static OnnxValue WriteBatchNorm(OnnxWriteContext context, BatchNorm batchNorm)
    {
        if (!batchNorm.TrackRunningStats)
        {
            throw context.Unsupported(batchNorm,
                "it has no running statistics, so it normalises with each batch's own statistics even in " +
                "inference, which ONNX's inference-mode BatchNormalization cannot do; train it with " +
                "trackRunningStats: true");
        }
        int n = batchNorm.NumFeatures;
        context.RequireFeatures(batchNorm, n);
        float epsilon = (float)batchNorm.Eps;
        double epsilonCorrection = batchNorm.Eps - epsilon;
        var variance = batchNorm.RunningVar!.ToArray();
        for (int j = 0; j < n; j++)
        {
            variance[j] += epsilonCorrection;
        }
        var ones = new double[n];
        ones.AsSpan().Fill(1.0);
        string scale = context.Constant("weight", batchNorm.Weight is { } gamma ? gamma.Value.AsReadOnlySpan() : ones, n);
        string bias = context.Constant("bias", batchNorm.Bias is { } beta ? beta.Value.AsReadOnlySpan() : new double[n], n);
        string mean = context.Constant("running_mean", batchNorm.RunningMean!.AsReadOnlySpan(), n);
        string var = context.Constant("running_var", variance, n);
        string output = context.Node("BatchNormalization", [context.Input.Name, scale, bias, mean, var],
            OnnxAttributeValue.Scalar("epsilon", epsilon));
        return new OnnxValue(output, n);
    }

    /// <summary>
    /// <c>Div(Sub(x, mean), divisor)</c> with the constants <c>{path}.mean</c> and <c>{path}.divisor</c> =
    /// <c>max(√variance, ε)</c>, computed in double as the layer computes it, so that a float64 graph gives the
    /// library's values bit for bit (a subtraction and a division per value, in the same order).
    /// </summary>
    private static OnnxValue WriteNormalization(OnnxWriteContext context, Normalization normalization)
    {
        int n = normalization.NumFeatures;
        context.RequireFeatures(normalization, n);
        ReadOnlySpan<double> variance = normalization.Variance.AsReadOnlySpan();
        var divisor = new double[n];
        for (int j = 0; j < n; j++)
        {
            divisor[j] = Math.Max(Math.Sqrt(variance[j]), normalization.Epsilon);
        }
        string mean = context.Constant("mean", normalization.Mean.AsReadOnlySpan(), n);
        string scale = context.Constant("divisor", divisor, n);
        string centred = context.Node("Sub", [context.Input.Name, mean]);
        return new OnnxValue(context.Node("Div", [centred, scale]), n);
    }
}
