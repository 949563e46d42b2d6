using System.Buffers;
using System.Globalization;
using System.Text;

namespace BatchNormSharp;

/// <summary>
/// A chain of layers applied one after another: PyTorch's <c>torch.nn.Sequential</c> and Keras's <c>Sequential</c>.
/// It is itself an <see cref="ILayer"/>, so containers nest.
/// </summary>
/// <remarks>
/// <para>The mode given to <see cref="Forward"/> reaches every layer, nested containers included, and so does a mode
/// set through <see cref="Mode"/> (or <see cref="LayerExtensions.Train"/> / <see cref="LayerExtensions.Eval"/>).</para>
/// <para>Children are named by their index, as in PyTorch, so the state-dict names of
/// <c>new Sequential(new Dense(4, 10, seed), new BatchNorm(10))</c> are <c>0.weight</c>, <c>0.bias</c>,
/// <c>1.weight</c>, <c>1.bias</c>, <c>1.running_mean</c>, <c>1.running_var</c> and <c>1.num_batches_tracked</c>
/// (see <see cref="NamedStateExtensions"/>).</para>
/// <para>Before any layer runs, <see cref="Forward"/> checks that the input width fits every layer this library
/// knows and that a batch using batch statistics has at least two rows, so a bad batch changes no running
/// statistic. Should a child still refuse the batch part-way (a BatchNorm meeting non-finite statistics, a user's
/// layer that throws), the running statistics and modes of the children in front of it are put back before the
/// exception leaves <see cref="Forward"/>. <see cref="Backward"/> checks every child of this library before any of
/// them accumulates a gradient (its mode not switched alone, no other forward or backward pass of its own since).
/// Like every layer, a container is not thread-safe for <see cref="Forward"/> and <see cref="Backward"/>.</para>
/// </remarks>
public sealed class Sequential : ILayer, IModeStateOwner, IInferenceLayer
{
    private readonly ILayer[] _layers;
    private readonly Parameter[] _parameters;
    private readonly StateBuffer[] _buffers;
    private readonly long[] _childForwardCounts;

    // Read-only views handed out instead of the arrays, which a caller could otherwise cast back and change.
    private readonly IReadOnlyList<ILayer> _layersView;
    private readonly IReadOnlyList<Parameter> _parametersView;
    private readonly IReadOnlyList<StateBuffer> _buffersView;
    private readonly Tensor?[] _childOutputs;
    private readonly ForwardRollback _rollback;
    private int _checkedInputFeatures = -1;
    private readonly ModeState _modeState = new();

    /// <summary>Creates a container that applies <paramref name="layers"/> in order.</summary>
    /// <param name="layers">The layers, first to last. Each layer instance may appear once in the whole model.</param>
    /// <exception cref="ArgumentNullException"><paramref name="layers"/> or one of its elements is null.</exception>
    /// <exception cref="ArgumentException">A layer instance appears more than once (it would have one forward cache
    /// for two places in the chain).</exception>
    public Sequential(params ILayer[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        for (int i = 0; i < layers.Length; i++)
        {
            if (layers[i] is null)
            {
                throw new ArgumentNullException(nameof(layers),
                    $"Layer {i.ToString(CultureInfo.InvariantCulture)} is null; every element must be a layer.");
            }
        }
        _layers = (ILayer[])layers.Clone();
        RequireEachLayerOnce(_layers);
        _parameters = [.. _layers.SelectMany(layer => layer.Parameters)];
        _buffers = [.. _layers.SelectMany(layer => layer.Buffers)];
        _childForwardCounts = new long[_layers.Length];
        _layersView = Array.AsReadOnly(_layers);
        _parametersView = Array.AsReadOnly(_parameters);
        _buffersView = Array.AsReadOnly(_buffers);
        _childOutputs = new Tensor?[_layers.Length];
        _rollback = new ForwardRollback(_layers, _buffers);
    }

    /// <summary>The layers, in forward order.</summary>
    public IReadOnlyList<ILayer> Layers => _layersView;

    /// <summary>The container's mode. Setting it sets every child's mode, nested containers included.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="ForwardMode"/>.</exception>
    public ForwardMode Mode
    {
        get => _modeState.Mode;
        set
        {
            _modeState.Mode = value;
            foreach (var layer in _layers)
            {
                layer.Mode = value;
            }
        }
    }

    ModeState IModeStateOwner.ModeState => _modeState;

    /// <summary>Every child's parameters, in forward order (the order of <see cref="NamedStateExtensions.NamedParameters"/>).</summary>
    public IReadOnlyList<Parameter> Parameters => _parametersView;

    /// <summary>Every child's buffers, in forward order (the order of <see cref="NamedStateExtensions.NamedBuffers"/>).</summary>
    public IReadOnlyList<StateBuffer> Buffers => _buffersView;

    /// <summary>Runs the batch through every layer in order, each in <paramref name="mode"/>.</summary>
    /// <param name="input">The batch, shape <c>[batch, features]</c>.</param>
    /// <param name="mode">Training or inference; passed to every layer, nested containers included.</param>
    /// <returns>The last layer's output (the input itself when the container is empty); valid until the next forward
    /// call.</returns>
    /// <exception cref="ArgumentException">The input does not fit the first layer, or the widths of two consecutive
    /// layers do not match, a batch of one row would be normalised with its own statistics, or a BatchNorm refuses
    /// the batch in training mode because a feature's mean or variance is NaN or infinite. Nothing is
    /// changed.</exception>
    public Tensor Forward(Tensor input, ForwardMode mode)
    {
        Guard.Batch(input, nameof(Sequential), nameof(input));
        ModeState.Validate(mode, nameof(mode));
        if (IsOutputOfAChild(input))
        {
            // A child would overwrite this tensor part-way through the pass while an earlier child keeps it for its
            // backward pass: silently wrong gradients.
            throw new ArgumentException(
                "Sequential expected an input other than a tensor one of its layers returned (they reuse that storage " +
                "on every call), but got the output of one of its layers. Pass a copy (output.Clone()).",
                nameof(input));
        }
        CheckBeforeRunning(input, mode);

        _modeState.BackwardCompleted(); // a child that fails half-way must not leave an old forward pass to go back through
        _rollback.Capture();
        Tensor output;
        try
        {
            output = RunChildren(input, mode);
        }
        catch
        {
            // A later child refused the batch: undo what the earlier ones changed (running statistics, modes).
            _rollback.Restore();
            throw;
        }
        _modeState.ForwardCompleted(mode);
        return output;
    }

    /// <summary>
    /// Runs the rows through every child's state-free inference path, passing them between two buffers rented for the
    /// call; the last child writes straight into <paramref name="output"/>. Every child must be an
    /// <see cref="IInferenceLayer"/> (the caller checks). Writes nothing of its own; safe from several threads.
    /// </summary>
    void IInferenceLayer.Infer(ReadOnlySpan<double> input, int rows, int inputFeatures, Span<double> output)
    {
        if (_layers.Length == 0)
        {
            input[..(rows * inputFeatures)].CopyTo(output);
            return;
        }
        int widest = WidestOutput(inputFeatures);
        var pool = ArrayPool<double>.Shared;
        double[] even = pool.Rent(rows * widest);
        double[] odd = pool.Rent(rows * widest);
        try
        {
            ReadOnlySpan<double> current = input;
            int width = inputFeatures;
            for (int i = 0; i < _layers.Length; i++)
            {
                int outputWidth = OutputWidth(i, width);
                Span<double> next = i == _layers.Length - 1
                    ? output
                    : (i % 2 == 0 ? even : odd).AsSpan(0, rows * outputWidth);
                ((IInferenceLayer)_layers[i]).Infer(current, rows, width, next);
                current = next;
                width = outputWidth;
            }
        }
        finally
        {
            pool.Return(even);
            pool.Return(odd);
        }
    }

    /// <summary>Back-propagates through every layer in reverse order, each in the mode of its last forward pass.</summary>
    /// <param name="outputGradient">dL/d(output), the shape of the last forward output.</param>
    /// <returns>dL/d(input); valid until the next backward call.</returns>
    /// <exception cref="InvalidOperationException">No forward pass to go back through, or a child cannot go back
    /// through it (switched to the other mode on its own, or it ran its own forward or backward pass since); nothing
    /// is changed.</exception>
    /// <exception cref="ArgumentException">The gradient's shape differs from the last output's; nothing is changed.</exception>
    public Tensor Backward(Tensor outputGradient)
    {
        // Checked here, before any child accumulates a gradient, so that a refused backward pass changes nothing.
        _modeState.RequireBackwardAllowed(nameof(Sequential));
        ArgumentNullException.ThrowIfNull(outputGradient);
        RequireChildrenReadyForBackward(path: string.Empty);
        var gradient = outputGradient;
        for (int i = _layers.Length - 1; i >= 0; i--)
        {
            gradient = _layers[i].Backward(gradient);
        }
        _modeState.BackwardCompleted();
        return gradient;
    }

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

    /// <summary>Whether <paramref name="tensor"/> is the storage a child (at any depth) returned from its last forward pass.</summary>
    private bool IsOutputOfAChild(Tensor tensor)
    {
        for (int i = 0; i < _layers.Length; i++)
        {
            if (ReferenceEquals(_childOutputs[i], tensor)
                || (_layers[i] is Sequential nested && nested.IsOutputOfAChild(tensor)))
            {
                return true;
            }
        }
        return false;
    }

    private Tensor RunChildren(Tensor input, ForwardMode mode)
    {
        var output = input;
        for (int i = 0; i < _layers.Length; i++)
        {
            output = _layers[i].Forward(output, mode);
            _childForwardCounts[i] = ForwardCount(_layers[i]);
            _childOutputs[i] = output;
        }
        return output;
    }

    /// <summary>
    /// Throws, before any child has accumulated a gradient, when a child of this library cannot go back through the
    /// forward pass this container ran: its mode was switched on its own, it ran another forward pass since, or its
    /// backward pass has already run. A user's own layer is not checked (it has no <see cref="ModeState"/>).
    /// </summary>
    private void RequireChildrenReadyForBackward(string path)
    {
        for (int i = 0; i < _layers.Length; i++)
        {
            if (_layers[i] is not IModeStateOwner owner)
            {
                continue;
            }
            var state = owner.ModeState;
            // The name is built only for an error: this check runs on every training step, which must not allocate.
            string Child() => $"layer {LayerTree.Join(path, i.ToString(CultureInfo.InvariantCulture))} ({_layers[i].GetType().Name})";
            if (state.ForwardCount != _childForwardCounts[i])
            {
                throw new InvalidOperationException(
                    $"Sequential.Backward cannot run: {Child()} has run another forward pass since the model's forward " +
                    "pass, so its cache no longer belongs to it. Run the model's Forward again, then Backward.");
            }
            if (state.PendingForwardMode is not { } forwardMode)
            {
                throw new InvalidOperationException(
                    $"Sequential.Backward cannot run: {Child()} has already gone back through its forward pass (its own " +
                    "Backward was called). Run the model's Forward again, then Backward once.");
            }
            if (forwardMode != state.Mode)
            {
                throw new InvalidOperationException(
                    $"Sequential.Backward cannot run: the forward pass ran in {forwardMode} mode, but {Child()} has " +
                    $"since been switched to {state.Mode} mode. Switch it back to {forwardMode} before Backward, or run " +
                    "the model's Forward again.");
            }
            if (_layers[i] is Sequential nested)
            {
                nested.RequireChildrenReadyForBackward(LayerTree.Join(path, i.ToString(CultureInfo.InvariantCulture)));
            }
        }
    }

    /// <summary>The widest output of any child for inputs of <paramref name="inputFeatures"/> features.</summary>
    private int WidestOutput(int inputFeatures)
    {
        int widest = 0, width = inputFeatures;
        for (int i = 0; i < _layers.Length; i++)
        {
            width = OutputWidth(i, width);
            widest = Math.Max(widest, width);
        }
        return widest;
    }

    private int OutputWidth(int child, int inputFeatures) =>
        ShapeInference.OutputFeatures(_layers[child], inputFeatures)
        ?? throw new InvalidOperationException($"Layer {child} ({_layers[child]}) has no state-free inference path.");

    private static long ForwardCount(ILayer layer) => layer is IModeStateOwner owner ? owner.ModeState.ForwardCount : 0;

    /// <summary>
    /// Rejects, before any layer has run, an input whose width does not fit the chain and a one-row batch that a
    /// BatchNorm would have to normalise with its own statistics: a failure half-way would leave the earlier
    /// layers' running statistics updated.
    /// </summary>
    private void CheckBeforeRunning(Tensor input, ForwardMode mode)
    {
        int features = input.Shape[1];
        if (features != _checkedInputFeatures)
        {
            ShapeInference.OutputFeatures(this, features, nameof(input));
            _checkedInputFeatures = features;
        }
        if (input.Shape[0] < 2 && ShapeInference.UsesBatchStatistics(this, mode))
        {
            throw Guard.SingleRowBatch("the model got", input.Shape, nameof(input));
        }
    }

    private static void RequireEachLayerOnce(ILayer[] layers)
    {
        var seen = new HashSet<ILayer>(ReferenceEqualityComparer.Instance);
        foreach (var layer in layers.SelectMany(Descendants))
        {
            if (!seen.Add(layer))
            {
                throw new ArgumentException(
                    $"Each layer instance may appear once in a model, but {layer} appears more than once. Create a " +
                    "new layer for each place in the chain.", nameof(layers));
            }
        }
    }

    private static IEnumerable<ILayer> Descendants(ILayer layer) =>
        layer is Sequential sequential
            ? sequential._layers.SelectMany(Descendants).Prepend(layer)
            : [layer];
}
