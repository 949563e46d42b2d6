namespace BatchNormSharp;

/// <summary>
/// Initial values for LSTM parameters, drawn from a caller's seeded <see cref="Random"/> (no static generator: the
/// same seed gives the same values).
/// </summary>
internal static class LstmInit
{
    /// <summary>
    /// torch.nn.LSTM's default: every weight and bias ~ <c>U(-1/√H, 1/√H)</c>. Fills the spans in the order given,
    /// each in row-major order.
    /// </summary>
    /// <param name="hidden">The hidden size H.</param>
    /// <param name="random">The source of randomness.</param>
    /// <param name="weightIh"><c>weight_ih</c>, <c>[4H, I]</c>.</param>
    /// <param name="weightHh"><c>weight_hh</c>, <c>[4H, H]</c>.</param>
    /// <param name="biasIh"><c>bias_ih</c>, <c>[4H]</c>.</param>
    /// <param name="biasHh"><c>bias_hh</c>, <c>[4H]</c>.</param>
    public static void PyTorchDefault(
        int hidden, Random random, Span<double> weightIh, Span<double> weightHh, Span<double> biasIh, Span<double> biasHh)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hidden);
        ArgumentNullException.ThrowIfNull(random);
        double bound = 1.0 / Math.Sqrt(hidden);
        Uniform(weightIh, bound, random);
        Uniform(weightHh, bound, random);
        Uniform(biasIh, bound, random);
        Uniform(biasHh, bound, random);
    }

    /// <summary>
    /// The seed notebook's Xavier (Glorot) uniform, per gate: the seed multiplies each gate's own matrix
    /// <c>[H, H + I]</c> by the concatenation <c>[h; x]</c>, so each weight ~ <c>U(-a, a)</c> with
    /// <c>a = √(6 / ((H + I) + H))</c> (fan-in H + I, fan-out H); biases zero.
    /// </summary>
    /// <param name="inputSize">The input features I.</param>
    /// <param name="hidden">The hidden size H.</param>
    /// <param name="random">The source of randomness.</param>
    /// <param name="weightIh"><c>weight_ih</c>, <c>[4H, I]</c>.</param>
    /// <param name="weightHh"><c>weight_hh</c>, <c>[4H, H]</c>.</param>
    /// <param name="biasIh"><c>bias_ih</c>, <c>[4H]</c>, cleared.</param>
    /// <param name="biasHh"><c>bias_hh</c>, <c>[4H]</c>, cleared.</param>
    public static void XavierPerGate(
        int inputSize, int hidden, Random random,
        Span<double> weightIh, Span<double> weightHh, Span<double> biasIh, Span<double> biasHh)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hidden);
        ArgumentNullException.ThrowIfNull(random);
        double bound = Math.Sqrt(6.0 / (inputSize + 2.0 * hidden));
        Uniform(weightIh, bound, random);
        Uniform(weightHh, bound, random);
        biasIh.Clear();
        biasHh.Clear();
    }

    /// <summary>Fills <paramref name="values"/> with draws from <c>U(-bound, bound)</c>.</summary>
    /// <param name="values">The values to fill.</param>
    /// <param name="bound">The half-width of the interval.</param>
    /// <param name="random">The source of randomness.</param>
    public static void Uniform(Span<double> values, double bound, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (2.0 * random.NextDouble() - 1.0) * bound;
        }
    }
}
