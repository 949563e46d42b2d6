using System.Globalization;

namespace BatchNormSharp.Tests;

/// <summary>
/// An <see cref="LstmSequence"/> with its parameters in arrays, and the scalar objective of the LSTM tests:
/// <c>L = Σ y ⊙ dy + Σ h_n ⊙ dh_n + Σ c_n ⊙ dc_n</c> (random upstream gradients on all three outputs).
/// </summary>
internal sealed class LstmHarness
{
    public LstmHarness(int batch, int time, int inputSize, int hidden, int layers)
    {
        Batch = batch;
        Time = time;
        InputSize = inputSize;
        Hidden = hidden;
        Layers = layers;
        Sequence = new LstmSequence(inputSize, hidden, layers);
        Parameters = [.. Enumerable.Range(0, layers).Select(l => LstmLayerParameters.Allocate(l == 0 ? inputSize : hidden, hidden))];
        Output = new double[batch * time * hidden];
        FinalHidden = new double[layers * batch * hidden];
        FinalCell = new double[layers * batch * hidden];
        InputGradient = new double[batch * time * inputSize];
        InitialHiddenGradient = new double[layers * batch * hidden];
        InitialCellGradient = new double[layers * batch * hidden];
    }

    public int Batch { get; }
    public int Time { get; }
    public int InputSize { get; }
    public int Hidden { get; }
    public int Layers { get; }
    public LstmSequence Sequence { get; }
    public LstmLayerParameters[] Parameters { get; }
    public double[] Output { get; }
    public double[] FinalHidden { get; }
    public double[] FinalCell { get; }
    public double[] InputGradient { get; }
    public double[] InitialHiddenGradient { get; }
    public double[] InitialCellGradient { get; }

    /// <summary>Every parameter with torch's name, value and gradient memory.</summary>
    public IEnumerable<(string Name, Memory<double> Value, Memory<double> Gradient)> NamedParameters()
    {
        for (int l = 0; l < Layers; l++)
        {
            var p = Parameters[l];
            string s = string.Create(CultureInfo.InvariantCulture, $"_l{l}");
            yield return ("weight_ih" + s, p.WeightIh, p.WeightIhGradient);
            yield return ("weight_hh" + s, p.WeightHh, p.WeightHhGradient);
            yield return ("bias_ih" + s, p.BiasIh, p.BiasIhGradient);
            yield return ("bias_hh" + s, p.BiasHh, p.BiasHhGradient);
        }
    }

    public void Forward(double[] x, double[]? h0, double[]? c0) =>
        Sequence.Forward(Batch, Time, x, Parameters, h0, c0, Output, FinalHidden, FinalCell);

    /// <summary>Zeroes the parameter gradients, then runs forward and backward.</summary>
    public void Differentiate(double[] x, double[]? h0, double[]? c0, double[] dy, double[] dhN, double[] dcN)
    {
        foreach (var p in Parameters)
        {
            p.ZeroGradients();
        }
        Forward(x, h0, c0);
        Sequence.Backward(dy, dhN, dcN, Parameters, InputGradient, InitialHiddenGradient, InitialCellGradient);
    }

    /// <summary>L and Σ|terms of L| after a forward pass.</summary>
    public ObjectiveValue Objective(double[] x, double[]? h0, double[]? c0, double[] dy, double[] dhN, double[] dcN)
    {
        Forward(x, h0, c0);
        double value = 0.0, magnitude = 0.0;
        Add(Output, dy, ref value, ref magnitude);
        Add(FinalHidden, dhN, ref value, ref magnitude);
        Add(FinalCell, dcN, ref value, ref magnitude);
        return new ObjectiveValue(value, magnitude);
    }

    private static void Add(double[] a, double[] b, ref double value, ref double magnitude)
    {
        for (int i = 0; i < a.Length; i++)
        {
            value += a[i] * b[i];
            magnitude += Math.Abs(a[i] * b[i]);
        }
    }
}
