using System.Buffers;
using System.Globalization;
using System.Text;

namespace BatchNormSharp;

/// <summary>
/// A chain of layers applied one after another: PyTorch's <c>torch.nn.Sequential</c> and Keras's <c>Sequential</c>.
/// It is itself a <see cref="Layer"/>, so containers nest.
/// </summary>
/// <remarks>
/// <para>Children are named by their index, as in PyTorch, so the state-dict names of
/// <c>new Sequential(new Dense(4, 10, seed), new BatchNorm(10))</c> are <c>0.weight</c>, <c>0.bias</c>,
/// <c>1.weight</c>, <c>1.bias</c>, <c>1.running_mean</c>, <c>1.running_var</c> and <c>1.num_batches_tracked</c>
/// (see <see cref="NamedStateExtensions"/>).</para>
/// <para>Before any layer runs, <see cref="Layer.Forward(Tensor, ForwardMode)"/> asks every child for its output
/// shape (<see cref="OutputShape"/>), so a batch that does not fit, or a batch of one that a BatchNorm would normalise
/// with its own statistics, changes nothing. Should a child still refuse the batch part-way (a BatchNorm meeting
/// non-finite statistics, a user's layer that throws), every buffer and mode is put back before the exception
/// leaves. Backward checks every child before any of them accumulates a gradient.</para>
/// </remarks>
public sealed class Sequential : Layer
{
    private readonly Layer[] _layers;
    private readonly IReadOnlyList<Layer> _layersView;

    /// <summary>Creates a container that applies <paramref name="layers"/> in order.</summary>
    /// <param name="layers">The layers, first to last. Each layer instance may appear once in the whole model.</param>
    /// <exception cref="ArgumentNullException"><paramref name="layers"/> or one of its elements is null.</exception>
    /// <exception cref="ArgumentException">A layer instance appears more than once (it would have one forward cache
    /// for two places in the chain).</exception>
    public Sequential(params Layer[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        for (int i = 0; i < layers.Length; i++)
        {
            if (layers[i] is null)
            {
                throw new ArgumentNullException(nameof(layers),
                    $"Layer {i.ToString(CultureInfo.InvariantCulture)} is null; every element must be a layer.");
            }
            RegisterChild(i.ToString(CultureInfo.InvariantCulture), layers[i]);
        }
        _layers = (Layer[])layers.Clone();
        _layersView = Array.AsReadOnly(_layers);
    }

    /// <summary>The layers, in forward order.</summary>
    public IReadOnlyList<Layer> Layers => _layersView;

    /// <summary>Always <see langword="true"/>: each child runs on the previous one's output.</summary>
    public override bool ChildrenRunInSequence => true;

    /// <summary>The input width the first layer requires, or <see langword="null"/> when it takes any width.</summary>
    public override int? InputFeatures => _layers.Length == 0 ? null : _layers[0].InputFeatures;

    /// <summary>The last child's output shape, each child's computed from the one before it (the input's shape when
    /// the container is empty).</summary>
    /// <param name="inputShape">The input's shape, batch first.</param>
    /// <param name="mode">The mode of the forward pass.</param>
    /// <returns>The output's shape.</returns>
    /// <exception cref="ArgumentException">A child does not accept what it would receive; the message names the
    /// child by its index.</exception>
    public override int[] OutputShape(ReadOnlySpan<int> inputShape, ForwardMode mode)
    {
        if (inputShape.Length == 0)
        {
            throw new ArgumentException("Sequential expects input of shape [batch, features], but got a scalar.", nameof(inputShape));
        }
        int[] shape = inputShape.ToArray();
        for (int i = 0; i < _layers.Length; i++)
        {
            try
            {
                shape = _layers[i].OutputShape(shape, mode);
            }
            catch (ArgumentException error)
            {
                throw new ArgumentException(InLayer(i, Shapes.MessageOf(error)), nameof(inputShape), error);
            }
        }
        return shape;
    }

    /// <summary>Prefixes a child's shape error with its place, joining nested places as state-dict names do
    /// (<c>In layer 2.0: ...</c>).</summary>
    private static string InLayer(int child, string message)
    {
        const string Prefix = "In layer ";
        string index = child.ToString(CultureInfo.InvariantCulture);
        return message.StartsWith(Prefix, StringComparison.Ordinal)
            ? Prefix + index + "." + message[Prefix.Length..]
            : $"{Prefix}{index}: {message}";
    }

    /// <summary>Runs the batch through every layer in order, each in <paramref name="mode"/>.</summary>
    /// <param name="input">The checked batch.</param>
    /// <param name="mode">Training or inference.</param>
    /// <returns>The last layer's output (the input itself when the container is empty).</returns>
    protected override Tensor ForwardCore(Tensor input, ForwardMode mode)
    {
        if (_layers.Length == 0)
        {
            // A copy, not the input itself: the output is storage the container owns and reuses.
            var copy = ReuseOutput();
            input.AsReadOnlySpan().CopyTo(copy.AsSpan());
            return copy;
        }
        var output = input;
        foreach (var layer in _layers)
        {
            output = layer.Forward(output, mode);
        }
        return output;
    }

    /// <summary>Back-propagates through every layer in reverse order; the first layer computes its input gradient
    /// only when this container's is needed.</summary>
    /// <param name="outputGradient">dL/d(output).</param>
    /// <param name="computeInputGradient">Whether dL/d(input) is needed.</param>
    /// <returns>dL/d(input), or <see langword="null"/>.</returns>
    protected override Tensor? BackwardCore(Tensor outputGradient, bool computeInputGradient)
    {
        if (_layers.Length == 0)
        {
            return computeInputGradient ? outputGradient.Clone() : null;
        }
        Tensor? gradient = outputGradient;
        for (int i = _layers.Length - 1; i >= 0; i--)
        {
            gradient = _layers[i].Backward(gradient!, computeInputGradient: i > 0 || computeInputGradient);
        }
        return gradient;
    }

    /// <summary>
    /// Runs the rows through every child's state-free inference path, passing them between two buffers rented for the
    /// call; the last child writes straight into <paramref name="output"/>. Writes nothing of its own.
    /// </summary>
    /// <param name="input">The input.</param>
    /// <param name="inputShape">Its shape.</param>
    /// <param name="output">The destination.</param>
    protected override void InferCore(ReadOnlySpan<double> input, ReadOnlySpan<int> inputShape, Span<double> output)
    {
        if (_layers.Length == 0)
        {
            input.CopyTo(output);
            return;
        }
        var shapes = new int[_layers.Length + 1][];
        shapes[0] = inputShape.ToArray();
        long widest = 0;
        for (int i = 0; i < _layers.Length; i++)
        {
            shapes[i + 1] = _layers[i].OutputShape(shapes[i], ForwardMode.Inference);
            widest = Math.Max(widest, Shapes.Count(shapes[i + 1]));
        }
        var pool = ArrayPool<double>.Shared;
        double[] even = pool.Rent((int)widest);
        double[] odd = pool.Rent((int)widest);
        try
        {
            ReadOnlySpan<double> current = input;
            for (int i = 0; i < _layers.Length; i++)
            {
                Span<double> next = i == _layers.Length - 1
                    ? output
                    : (i % 2 == 0 ? even : odd).AsSpan(0, (int)Shapes.Count(shapes[i + 1]));
                _layers[i].Infer(current, shapes[i], next);
                current = next;
            }
        }
        finally
        {
            pool.Return(even);
            pool.Return(odd);
        }
    }

    /// <summary>Type <c>Sequential</c>, without hyper-parameters (its children are described each by itself), for a
    /// whole-model file.</summary>
    /// <returns>The description.</returns>
    public override LayerConfig GetConfig() => new("Sequential");

    /// <summary>The layers, one per line with their index, in the style of PyTorch's module printout.</summary>
    /// <returns>For example <c>Sequential(\n  (0): Dense(4 -> 10)\n  (1): BatchNorm(10, …)\n)</c>.</returns>
    public override string ToString()
    {
        var text = new StringBuilder("Sequential(");
        for (int i = 0; i < _layers.Length; i++)
        {
            string child = _layers[i].ToString()!.Replace("\n", "\n  ", StringComparison.Ordinal);
            text.Append(CultureInfo.InvariantCulture, $"\n  ({i}): {child}");
        }
        return text.Append(_layers.Length == 0 ? ")" : "\n)").ToString();
    }
}
