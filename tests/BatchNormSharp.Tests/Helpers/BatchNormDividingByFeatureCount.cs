namespace BatchNormSharp.Tests;

/// <summary>
/// A test double with a deliberately wrong backward pass: a training-mode batch normalisation (no affine
/// parameters) whose backward takes the two correction terms as means over the <em>features</em> of a row instead
/// of over the batch — the "divides by the feature count" mistake of GUIDE §1. The gradient checker must catch it.
/// </summary>
internal sealed class BatchNormDividingByFeatureCount(double eps = 1e-5) : Layer
{
    private Tensor? _xhat;
    private double[] _invStd = [];

    public override int[] OutputShape(ReadOnlySpan<int> inputShape, ForwardMode mode) => inputShape.ToArray();

    protected override void InferCore(ReadOnlySpan<double> input, ReadOnlySpan<int> inputShape, Span<double> output) =>
        throw new NotSupportedException("A training-mode test double.");

    protected override Tensor ForwardCore(Tensor input, ForwardMode mode)
    {
        int rows = input.Shape[0], features = input.Shape[1];
        _xhat = Tensor.Zeros(rows, features);
        _invStd = new double[features];
        for (int j = 0; j < features; j++)
        {
            double mean = 0.0, sumSquares = 0.0;
            for (int i = 0; i < rows; i++)
            {
                mean += input[i, j] / rows;
            }
            for (int i = 0; i < rows; i++)
            {
                sumSquares += (input[i, j] - mean) * (input[i, j] - mean);
            }
            _invStd[j] = 1.0 / Math.Sqrt((sumSquares / rows) + eps);
            for (int i = 0; i < rows; i++)
            {
                _xhat[i, j] = (input[i, j] - mean) * _invStd[j];
            }
        }
        return _xhat.Clone();
    }

    protected override Tensor? BackwardCore(Tensor outputGradient, bool computeInputGradient)
    {
        var xhat = _xhat ?? throw new InvalidOperationException("Forward first.");
        int rows = xhat.Shape[0], features = xhat.Shape[1];
        var inputGradient = Tensor.Zeros(rows, features);
        for (int j = 0; j < features; j++)
        {
            double sumDy = 0.0, sumDyXhat = 0.0;
            for (int i = 0; i < rows; i++)
            {
                sumDy += outputGradient[i, j];
                sumDyXhat += outputGradient[i, j] * xhat[i, j];
            }
            for (int i = 0; i < rows; i++)
            {
                // The mistake: dividing by the feature count instead of the batch size.
                inputGradient[i, j] = _invStd[j] *
                    (outputGradient[i, j] - (sumDy / features) - (xhat[i, j] * sumDyXhat / features));
            }
        }
        return inputGradient;
    }
}
