namespace BatchNormSharp;

/// <summary>
/// The four parameters of one stacked LSTM layer and their gradients, as memory the owner keeps (a layer's tensors,
/// or plain arrays in tests). Shapes and names are torch's: <c>weight_ih_l{k}</c> <c>[4H, In]</c> (In = I for the
/// first layer, H above), <c>weight_hh_l{k}</c> <c>[4H, H]</c>, <c>bias_ih_l{k}</c> and <c>bias_hh_l{k}</c>
/// <c>[4H]</c>.
/// </summary>
internal sealed class LstmLayerParameters
{
    /// <summary>Wraps existing memory; the gradients are added to, never cleared, by <see cref="LstmSequence"/>.</summary>
    /// <param name="weightIh"><c>weight_ih</c>.</param>
    /// <param name="weightHh"><c>weight_hh</c>.</param>
    /// <param name="biasIh"><c>bias_ih</c>.</param>
    /// <param name="biasHh"><c>bias_hh</c>.</param>
    /// <param name="weightIhGradient">The gradient of <c>weight_ih</c>.</param>
    /// <param name="weightHhGradient">The gradient of <c>weight_hh</c>.</param>
    /// <param name="biasIhGradient">The gradient of <c>bias_ih</c>.</param>
    /// <param name="biasHhGradient">The gradient of <c>bias_hh</c>.</param>
    public LstmLayerParameters(
        Memory<double> weightIh, Memory<double> weightHh, Memory<double> biasIh, Memory<double> biasHh,
        Memory<double> weightIhGradient, Memory<double> weightHhGradient,
        Memory<double> biasIhGradient, Memory<double> biasHhGradient)
    {
        WeightIh = weightIh;
        WeightHh = weightHh;
        BiasIh = biasIh;
        BiasHh = biasHh;
        WeightIhGradient = weightIhGradient;
        WeightHhGradient = weightHhGradient;
        BiasIhGradient = biasIhGradient;
        BiasHhGradient = biasHhGradient;
    }

    /// <summary><c>weight_ih</c>, <c>[4H, In]</c>.</summary>
    public Memory<double> WeightIh { get; }

    /// <summary><c>weight_hh</c>, <c>[4H, H]</c>.</summary>
    public Memory<double> WeightHh { get; }

    /// <summary><c>bias_ih</c>, <c>[4H]</c>.</summary>
    public Memory<double> BiasIh { get; }

    /// <summary><c>bias_hh</c>, <c>[4H]</c>.</summary>
    public Memory<double> BiasHh { get; }

    /// <summary>The gradient of <c>weight_ih</c>.</summary>
    public Memory<double> WeightIhGradient { get; }

    /// <summary>The gradient of <c>weight_hh</c>.</summary>
    public Memory<double> WeightHhGradient { get; }

    /// <summary>The gradient of <c>bias_ih</c>.</summary>
    public Memory<double> BiasIhGradient { get; }

    /// <summary>The gradient of <c>bias_hh</c>.</summary>
    public Memory<double> BiasHhGradient { get; }

    /// <summary>New zeroed arrays for a layer of <paramref name="inputSize"/> inputs and <paramref name="hidden"/> units.</summary>
    /// <param name="inputSize">The layer's input features (I, or H above the first layer).</param>
    /// <param name="hidden">The hidden size H.</param>
    public static LstmLayerParameters Allocate(int inputSize, int hidden)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hidden);
        int gates = 4 * hidden;
        return new LstmLayerParameters(
            new double[gates * inputSize], new double[gates * hidden], new double[gates], new double[gates],
            new double[gates * inputSize], new double[gates * hidden], new double[gates], new double[gates]);
    }

    /// <summary>Clears the four gradients.</summary>
    public void ZeroGradients()
    {
        WeightIhGradient.Span.Clear();
        WeightHhGradient.Span.Clear();
        BiasIhGradient.Span.Clear();
        BiasHhGradient.Span.Clear();
    }
}
