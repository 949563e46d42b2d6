using System.Globalization;

namespace BatchNormSharp.Tests;

/// <summary>
/// The mean softmax cross-entropy of a chain of layers: <c>L = CE(layers(x), labels)</c>. With no layers it is the
/// loss as a function of the logits.
/// </summary>
internal sealed class NetworkObjective : IObjective
{
    private readonly Layer[] _layers;
    private readonly int[] _labels;
    private readonly ForwardMode _mode;
    private readonly SoftmaxCrossEntropy _loss = new();

    public NetworkObjective(IEnumerable<Layer> layers, int[] labels, ForwardMode mode)
    {
        _layers = [.. layers];
        _labels = labels;
        _mode = mode;
        // PyTorch's Sequential names: "<layer index>.<parameter name>".
        Parameters = [.. _layers.SelectMany((layer, index) => layer.Parameters.Select(
            p => (index.ToString(CultureInfo.InvariantCulture) + "." + p.Name, p)))];
        Buffers = [.. _layers.SelectMany(layer => layer.Buffers)];
    }

    public IReadOnlyList<(string Name, Parameter Parameter)> Parameters { get; }

    public IReadOnlyList<StateBuffer> Buffers { get; }

    public ObjectiveValue Evaluate(Tensor input)
    {
        var logits = LayerChain.Forward(_layers, input, _mode);
        double value = _loss.Forward(logits, _labels);
        return new ObjectiveValue(value, Math.Abs(value) + MeanLargestLogit(logits));
    }

    public Tensor Differentiate(Tensor input)
    {
        var logits = LayerChain.Forward(_layers, input, _mode);
        _loss.Forward(logits, _labels);
        return LayerChain.Backward(_layers, _loss.Backward()).Clone();
    }

    // log-sum-exp and the label's logit are each about as large as a row's largest |logit|: their rounding sets
    // the noise of the loss.
    private static double MeanLargestLogit(Tensor logits)
    {
        int rows = logits.Shape[0];
        double sum = 0.0;
        for (int i = 0; i < rows; i++)
        {
            double largest = 0.0;
            foreach (double z in logits.Row(i))
            {
                largest = Math.Max(largest, Math.Abs(z));
            }
            sum += 2 * largest;
        }
        return sum / rows;
    }
}
