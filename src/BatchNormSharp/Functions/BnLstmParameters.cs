namespace BatchNormSharp;

/// <summary>
/// The weights of a batch-normalised LSTM cell (one layer) and their gradients, as memory the owner keeps:
/// <c>weight_ih</c> <c>[4H, I]</c>, <c>weight_hh</c> <c>[4H, H]</c>, one <c>bias</c> <c>[4H]</c> (torch's gate order
/// i, f, g, o). The normalisations' γ and β belong to the <see cref="IStepBatchNorm"/> instances.
/// </summary>
internal sealed class BnLstmParameters
{
    /// <summary>New zeroed arrays for <paramref name="inputSize"/> inputs and <paramref name="hidden"/> units.</summary>
    /// <param name="inputSize">The input features I.</param>
    /// <param name="hidden">The hidden size H.</param>
    public BnLstmParameters(int inputSize, int hidden)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hidden);
        WeightIh = new double[4 * hidden * inputSize];
        WeightHh = new double[4 * hidden * hidden];
        Bias = new double[4 * hidden];
        WeightIhGradient = new double[WeightIh.Length];
        WeightHhGradient = new double[WeightHh.Length];
        BiasGradient = new double[Bias.Length];
    }

    /// <summary>Wraps memory the owner keeps (a layer's parameter tensors and their gradients); nothing is copied.</summary>
    /// <param name="weightIh"><c>weight_ih</c>, <c>[4H, I]</c>.</param>
    /// <param name="weightHh"><c>weight_hh</c>, <c>[4H, H]</c>.</param>
    /// <param name="bias"><c>bias</c>, <c>[4H]</c>.</param>
    /// <param name="weightIhGradient">The gradient of <c>weight_ih</c>.</param>
    /// <param name="weightHhGradient">The gradient of <c>weight_hh</c>.</param>
    /// <param name="biasGradient">The gradient of <c>bias</c>.</param>
    public BnLstmParameters(
        Memory<double> weightIh, Memory<double> weightHh, Memory<double> bias,
        Memory<double> weightIhGradient, Memory<double> weightHhGradient, Memory<double> biasGradient)
    {
        WeightIh = weightIh;
        WeightHh = weightHh;
        Bias = bias;
        WeightIhGradient = weightIhGradient;
        WeightHhGradient = weightHhGradient;
        BiasGradient = biasGradient;
    }

    /// <summary><c>weight_ih</c>, <c>[4H, I]</c>.</summary>
    public Memory<double> WeightIh { get; }

    /// <summary><c>weight_hh</c>, <c>[4H, H]</c>.</summary>
    public Memory<double> WeightHh { get; }

    /// <summary><c>bias</c>, <c>[4H]</c>.</summary>
    public Memory<double> Bias { get; }

    /// <summary>The gradient of <c>weight_ih</c>.</summary>
    public Memory<double> WeightIhGradient { get; }

    /// <summary>The gradient of <c>weight_hh</c>.</summary>
    public Memory<double> WeightHhGradient { get; }

    /// <summary>The gradient of <c>bias</c>.</summary>
    public Memory<double> BiasGradient { get; }

    /// <summary>Clears the three gradients.</summary>
    public void ZeroGradients()
    {
        WeightIhGradient.Span.Clear();
        WeightHhGradient.Span.Clear();
        BiasGradient.Span.Clear();
    }
}
