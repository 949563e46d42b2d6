using System.Buffers;
using System.Globalization;

namespace BatchNormSharp;

/// <summary>
/// The one contract every layer follows, the library's and your own alike: PyTorch's <c>nn.Module</c>. A layer owns
/// its parameters, buffers and named children; it computes its output shape from its input shape; it runs forward
/// and backward; and it has an inference path that writes nothing of its own, so that one trained model can serve
/// many threads.
/// </summary>
/// <remarks>
/// <para><b>What a layer implements.</b> <see cref="OutputShape"/> (the shape it returns for an input shape, or an
/// <see cref="ArgumentException"/> naming what it expected), <see cref="InferCore"/> (the inference-mode output into
/// the caller's span, reading only parameters and buffers) and <see cref="BackwardCore"/>. A layer whose training
/// forward pass differs from its inference pass (BatchNorm, a layer with children) also overrides
/// <see cref="ForwardCore"/>. Everything else is here, once: argument checks, the reuse of output and gradient
/// storage, the mode, the bookkeeping that makes "backward without forward" and "backward after a mode switch" loud
/// errors, and the roll-back that leaves every buffer and mode as it was when a forward pass is refused part-way.</para>
/// <para><b>State.</b> Register state in the constructor with <see cref="RegisterParameter(string, Tensor)"/>,
/// <see cref="RegisterBuffer"/> and <see cref="RegisterChild{TLayer}"/>. State-dict names nest with dots as in
/// PyTorch: a child <c>bn</c> of a child <c>1</c> gives <c>1.bn.running_mean</c>. <see cref="Parameters"/> and
/// <see cref="Buffers"/> list the layer's own state first, then each child's, in registration order: PyTorch's
/// <c>named_parameters()</c> order, which the optimizer, the summary and save/load all read.</para>
/// <para><b>Storage.</b> The tensors <see cref="Forward(Tensor, ForwardMode)"/> and <see cref="Backward(Tensor)"/>
/// return are owned by the layer and reused by its next call of the same shape, so a training loop allocates nothing
/// in steady state; clone a result to keep it. Leave the input of a forward pass unchanged until its backward
/// pass.</para>
/// <para><b>Threads.</b> <see cref="Forward(Tensor, ForwardMode)"/> and <see cref="Backward(Tensor)"/> keep caches and
/// are not thread-safe. <see cref="Infer"/> writes only the caller's span, so any number of threads may call it on one
/// model at once; <see cref="InferenceExtensions.Predict(Layer, Tensor, LossTask, int)"/> relies on that.</para>
/// </remarks>
public abstract class Layer
{
    // The outermost forward pass on this thread captures state for the roll-back; nested ones need not.
    [ThreadStatic]
    private static int t_forwardDepth;

    private readonly List<Parameter> _ownParameters = [];
    private readonly List<StateBuffer> _ownBuffers = [];
    private readonly List<NamedLayer> _children = [];
    private IReadOnlyList<NamedLayer>? _childrenView;
    private Parameter[]? _allParameters;
    private StateBuffer[]? _allBuffers;
    private Layer[]? _subtree;

    private ForwardMode _mode = ForwardMode.Training;
    private ForwardMode? _pendingForwardMode;
    private long _forwardCount;
    private long[] _childCountsBefore = [];
    private long[] _childCountsAfter = [];

    private int[]? _checkedInputShape;
    private ForwardMode _checkedMode;
    private int[]? _checkedOutputShape;
    private Tensor? _input;
    private Tensor? _output;
    private Tensor? _inputGradient;
    private StateRollback? _rollback;
    private List<ForwardHook>? _forwardHooks;

    /// <summary>Creates a layer in training mode with no state; register state in the derived constructor.</summary>
    protected Layer()
    {
    }

    /// <summary>
    /// The layer's mode, PyTorch's <c>training</c> flag: <see cref="ForwardMode.Training"/> when created. Setting it
    /// sets every layer below this one too (<see cref="LayerExtensions.Train"/>, <see cref="LayerExtensions.Eval"/>),
    /// and every forward pass leaves the layer and its children in the mode it ran in. Switching the mode between a
    /// forward pass and its backward pass makes <see cref="Backward(Tensor)"/> throw.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="ForwardMode"/>.</exception>
    public ForwardMode Mode
    {
        get => _mode;
        set
        {
            RequireDefined(value, nameof(Mode));
            foreach (var layer in Subtree)
            {
                layer._mode = value;
            }
        }
    }

    /// <summary>The direct children with their local names, in registration order (for a <see cref="Sequential"/>:
    /// <c>0</c>, <c>1</c>, ...).</summary>
    public IReadOnlyList<NamedLayer> Children => _childrenView ??= _children.AsReadOnly();

    /// <summary>
    /// Every trainable tensor of the layer and its children, own first, then each child's in order: what an optimizer
    /// updates. <see cref="NamedStateExtensions.NamedParameters"/> gives the same list with state-dict names.
    /// </summary>
    public IReadOnlyList<Parameter> Parameters => _allParameters ??= [.. NamedState().Where(s => s.Parameter is not null).Select(s => s.Parameter!)];

    /// <summary>
    /// Every non-trainable tensor (such as running statistics) of the layer and its children, in the order of
    /// <see cref="Parameters"/>.
    /// </summary>
    public IReadOnlyList<StateBuffer> Buffers => _allBuffers ??= [.. NamedState().Where(s => s.Buffer is not null).Select(s => s.Buffer!)];

    /// <summary>
    /// The width of the last dimension this layer requires of its input, or <see langword="null"/> when it takes any
    /// width (an activation). <see cref="SummaryExtensions.Summary(Layer)"/> reads it; a container answers for its
    /// first child.
    /// </summary>
    public virtual int? InputFeatures => null;

    /// <summary>
    /// Whether the children run one after another, each on the previous one's output (a <see cref="Sequential"/>):
    /// the summary then shows each child on a row of its own. A layer whose children are parts of one computation
    /// (an LSTM holding BatchNorms) leaves this <see langword="false"/> and is shown on one row.
    /// </summary>
    public virtual bool ChildrenRunInSequence => false;

    /// <summary>
    /// The shape of the output for an input of shape <paramref name="inputShape"/> in <paramref name="mode"/>,
    /// computed without running the layer; throws when the layer cannot take that input in that mode (a width it does
    /// not have, a batch of one that it would have to normalise with its own statistics).
    /// </summary>
    /// <param name="inputShape">The input's shape, batch first.</param>
    /// <param name="mode">The mode of the forward pass.</param>
    /// <returns>A new array holding the output's shape.</returns>
    /// <exception cref="ArgumentException">The layer does not accept that input; the message says what it expects.</exception>
    public abstract int[] OutputShape(ReadOnlySpan<int> inputShape, ForwardMode mode);

    /// <summary>
    /// Whether a forward pass in <paramref name="mode"/> normalises with statistics of the batch somewhere in this layer
    /// or below it, so that the output of a row depends on the other rows of its batch. By default: whether any child
    /// does.
    /// </summary>
    /// <param name="mode">The mode of the forward pass.</param>
    /// <returns><see langword="true"/> when batch statistics are used.</returns>
    public virtual bool UsesBatchStatistics(ForwardMode mode)
    {
        foreach (var child in _children)
        {
            if (child.Layer.UsesBatchStatistics(mode))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Runs a forward pass in the layer's current <see cref="Mode"/>.</summary>
    /// <param name="input">The batch, batch first.</param>
    /// <returns>The output; valid until this layer's next forward call.</returns>
    /// <exception cref="ArgumentException">The input does not fit the layer; nothing is changed.</exception>
    public Tensor Forward(Tensor input) => Forward(input, _mode);

    /// <summary>
    /// Computes the layer's output for a batch in <paramref name="mode"/>, keeping what the backward pass needs, and
    /// leaves the layer and its children in that mode.
    /// </summary>
    /// <param name="input">The batch, batch first. Leave it unchanged until the matching backward pass.</param>
    /// <param name="mode">Training (batch statistics, running statistics updated) or inference.</param>
    /// <returns>The output, of shape <see cref="OutputShape"/>; valid until this layer's next forward call.</returns>
    /// <exception cref="ArgumentException">The input does not fit the layer, or a layer refuses the batch (a
    /// BatchNorm whose batch statistics are not finite). Every buffer and mode is then as it was, and a pending
    /// backward pass still goes back through the last accepted forward pass.</exception>
    public Tensor Forward(Tensor input, ForwardMode mode)
    {
        ArgumentNullException.ThrowIfNull(input);
        RequireDefined(mode, nameof(mode));
        try
        {
            CheckInputShape(input.Shape, mode);
        }
        catch (ArgumentException error) when (error.ParamName != nameof(input))
        {
            throw new ArgumentException(Shapes.MessageOf(error), nameof(input), error);
        }
        RequireNotOwnOutput(input);

        bool outermost = t_forwardDepth == 0;
        if (outermost)
        {
            (_rollback ??= new StateRollback(Subtree)).Capture();
        }
        RecordChildCounts(_childCountsBefore);
        t_forwardDepth++;
        Tensor output;
        try
        {
            output = ForwardCore(input, mode);
        }
        catch when (outermost)
        {
            // A layer refused the batch part-way: undo what the layers before it changed (running statistics, modes).
            _rollback!.Restore();
            throw;
        }
        finally
        {
            t_forwardDepth--;
        }

        RecordChildCounts(_childCountsAfter);
        foreach (var layer in Subtree)
        {
            layer._mode = mode;
        }
        _input = input;
        _output = output;
        _pendingForwardMode = mode;
        _forwardCount++;
        if (_forwardHooks is { } hooks)
        {
            foreach (var hook in hooks)
            {
                hook(this, input, output, mode);
            }
        }
        return output;
    }

    /// <summary>
    /// Calls <paramref name="hook"/> after every successful <see cref="Forward(Tensor, ForwardMode)"/> of this layer
    /// with its input and output (PyTorch's <c>register_forward_hook</c>), for looking inside a model: see
    /// <see cref="ActivationRecorder"/>. Hooks are off until one is registered and cost nothing then; the thread-safe
    /// <see cref="Infer"/> path does not call them.
    /// </summary>
    /// <param name="hook">Called with the layer, its input, its output and the mode. The tensors are the layer's
    /// own storage: copy what you keep.</param>
    /// <returns>A handle whose <see cref="IDisposable.Dispose"/> removes the hook.</returns>
    public IDisposable RegisterForwardHook(ForwardHook hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        (_forwardHooks ??= []).Add(hook);
        return new HookRegistration(this, hook);
    }

    /// <summary>
    /// Back-propagates through the most recent forward pass, in the mode it used: returns dL/d(input) and adds
    /// dL/d(parameter) to every parameter's <see cref="Parameter.Gradient"/> (gradients accumulate, as in PyTorch).
    /// </summary>
    /// <param name="outputGradient">dL/d(output), with the shape of the last forward output.</param>
    /// <returns>dL/d(input), the shape of the last forward input; valid until this layer's next backward call.</returns>
    /// <exception cref="InvalidOperationException">There is no forward pass to go back through (none yet, or its
    /// backward has already run), the mode was switched since, or a child has run a pass of its own since.</exception>
    /// <exception cref="ArgumentException">The gradient's shape differs from the last output's; nothing is changed.</exception>
    public Tensor Backward(Tensor outputGradient) => Backward(outputGradient, computeInputGradient: true)!;

    /// <summary>
    /// Back-propagates as <see cref="Backward(Tensor)"/>, computing dL/d(input) only when asked: a training loop does
    /// not need the gradient of its data, and skipping it saves the first layer's largest product (PyTorch skips it for
    /// inputs that do not require a gradient). Containers decide this for their children: only the first child of a
    /// container whose own input gradient is not needed skips it. <see cref="Trainer"/> passes
    /// <see langword="false"/>.
    /// </summary>
    /// <param name="outputGradient">dL/d(output), with the shape of the last forward output.</param>
    /// <param name="computeInputGradient">Whether to compute and return dL/d(input).</param>
    /// <returns>dL/d(input), or <see langword="null"/> when not asked for.</returns>
    /// <exception cref="InvalidOperationException">As for <see cref="Backward(Tensor)"/>.</exception>
    /// <exception cref="ArgumentException">As for <see cref="Backward(Tensor)"/>.</exception>
    public Tensor? Backward(Tensor outputGradient, bool computeInputGradient)
    {
        RequireBackwardAllowed(GetType().Name);
        ArgumentNullException.ThrowIfNull(outputGradient);
        if (!outputGradient.HasSameShape(_output!))
        {
            throw new ArgumentException(
                $"{GetType().Name}.Backward expects a gradient of shape {Tensor.FormatShape(_output!.Shape)} (the shape " +
                $"of the last forward output), but got {Tensor.FormatShape(outputGradient.Shape)}.",
                nameof(outputGradient));
        }
        // Checked before any child accumulates a gradient, so that a refused backward pass changes nothing.
        RequireChildrenReadyForBackward(this);
        var inputGradient = BackwardCore(outputGradient, computeInputGradient);
        _pendingForwardMode = null;
        return inputGradient;
    }

    /// <summary>
    /// Writes the inference-mode output for <paramref name="input"/> into <paramref name="output"/>, changing nothing of
    /// the layer (no cache, no mode, no buffer): any number of threads may call it on one model at once. Gives the same
    /// values as <see cref="Forward(Tensor, ForwardMode)"/> in <see cref="ForwardMode.Inference"/>.
    /// </summary>
    /// <param name="input">The batch, row-major, of shape <paramref name="inputShape"/>.</param>
    /// <param name="inputShape">The input's shape, batch first.</param>
    /// <param name="output">Row-major, exactly as long as <see cref="OutputShape"/> gives; must not overlap the input.</param>
    /// <exception cref="ArgumentException">The input does not fit the layer, or a span's length does not match its
    /// shape.</exception>
    public void Infer(ReadOnlySpan<double> input, ReadOnlySpan<int> inputShape, Span<double> output)
    {
        int[] outputShape = OutputShape(inputShape, ForwardMode.Inference);
        RequireLength(input.Length, inputShape, nameof(input));
        RequireLength(output.Length, outputShape, nameof(output));
        if (input.Overlaps(output))
        {
            throw new ArgumentException(
                "Infer expected an output span that does not overlap the input, but they share memory. Pass a " +
                "separate destination buffer.", nameof(output));
        }
        InferCore(input, inputShape, output);
    }

    /// <summary>
    /// The layer's registered type name and hyper-parameters (not its weights, not its children), which a whole-model
    /// file (<see cref="ModelFile"/>) stores so that <see cref="ModelFile.Load"/> can build the layer again through the
    /// factory registered under that name (<see cref="LayerRegistry.Register"/>): Keras's <c>get_config()</c>. Children
    /// are described through their own <see cref="GetConfig"/>. By default <see langword="null"/>: the layer cannot be
    /// described, and saving a whole model that holds it fails with a message saying how to make it describable.
    /// </summary>
    /// <returns>A new description, e.g. <c>new LayerConfig("Dense").Set("in_features", 4).Set("out_features", 10)</c>,
    /// or <see langword="null"/>.</returns>
    public virtual LayerConfig? GetConfig() => null;

    /// <summary>The layer's name and hyper-parameters, in the style of PyTorch's module printout.</summary>
    /// <returns>For example <c>Dense(4 -> 10)</c>.</returns>
    public override string ToString() => GetType().Name + "()";

    /// <summary>Registers a trainable tensor under a one-level name (no dots), in PyTorch's order. Call it from the
    /// constructor.</summary>
    /// <param name="name">The state-dict name within this layer, e.g. <c>weight</c>.</param>
    /// <param name="value">The initial values; the parameter keeps this tensor.</param>
    /// <returns>The parameter, with a zero gradient of the same shape.</returns>
    /// <exception cref="ArgumentException">The name is empty, has a dot, or is taken.</exception>
    protected Parameter RegisterParameter(string name, Tensor value) => RegisterParameter(new Parameter(name, value));

    /// <summary>Registers a parameter built by the caller (for example one stored transposed).</summary>
    /// <param name="parameter">The parameter.</param>
    /// <returns><paramref name="parameter"/>.</returns>
    /// <exception cref="ArgumentException">Its name is taken.</exception>
    protected Parameter RegisterParameter(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        RequireFreeName(parameter.Name);
        _ownParameters.Add(parameter);
        StructureChanged();
        return parameter;
    }

    /// <summary>Registers a non-trainable tensor (such as a running statistic). Call it from the constructor.</summary>
    /// <param name="name">The state-dict name within this layer, e.g. <c>running_mean</c>.</param>
    /// <param name="value">The initial values; the buffer keeps this tensor.</param>
    /// <param name="isInteger">Whether it holds a count, saved as a 64-bit integer.</param>
    /// <returns>The buffer.</returns>
    /// <exception cref="ArgumentException">The name is empty, has a dot, or is taken.</exception>
    protected StateBuffer RegisterBuffer(string name, Tensor value, bool isInteger = false)
    {
        var buffer = new StateBuffer(name, value, isInteger);
        RequireFreeName(name);
        _ownBuffers.Add(buffer);
        StructureChanged();
        return buffer;
    }

    /// <summary>Registers a child layer under a one-level name; its state's names are prefixed with it.</summary>
    /// <typeparam name="TLayer">The child's type, returned so that the caller can keep a typed field.</typeparam>
    /// <param name="name">The child's name, e.g. <c>0</c> or <c>bn_ih</c>.</param>
    /// <param name="child">The child; each layer instance may appear once in a model.</param>
    /// <returns><paramref name="child"/>.</returns>
    /// <exception cref="ArgumentException">The name is invalid or taken, or the child already appears in this
    /// model.</exception>
    protected TLayer RegisterChild<TLayer>(string name, TLayer child) where TLayer : Layer
    {
        Guard.StateName(name, nameof(name));
        ArgumentNullException.ThrowIfNull(child);
        RequireFreeName(name);
        foreach (var layer in child.Subtree)
        {
            if (Array.IndexOf(Subtree, layer) >= 0 || _children.Any(c => Array.IndexOf(c.Layer.Subtree, layer) >= 0))
            {
                throw new ArgumentException(
                    $"Each layer instance may appear once in a model, but {layer} appears more than once. Create a " +
                    "new layer for each place in the model.", nameof(child));
            }
        }
        _children.Add(new NamedLayer(name, child));
        StructureChanged();
        return child;
    }

    /// <summary>
    /// The forward pass proper, after the checks: by default the inference computation (<see cref="InferCore"/>) into
    /// storage this layer reuses, which is right for every layer that computes the same in both modes. Override it when
    /// training differs (batch statistics) or to keep caches for <see cref="BackwardCore"/>.
    /// </summary>
    /// <param name="input">The checked input.</param>
    /// <param name="mode">The checked mode.</param>
    /// <returns>The output, of shape <see cref="OutputShape"/> (use <see cref="ReuseOutput"/>).</returns>
    protected virtual Tensor ForwardCore(Tensor input, ForwardMode mode)
    {
        var output = ReuseOutput();
        InferCore(input.AsReadOnlySpan(), input.Shape, output.AsSpan());
        return output;
    }

    /// <summary>
    /// The backward pass proper, after the checks: add the parameters' gradients and, when
    /// <paramref name="computeInputGradient"/>, return dL/d(input) (use <see cref="ReuseInputGradient"/>).
    /// </summary>
    /// <param name="outputGradient">dL/d(output), of the last output's shape.</param>
    /// <param name="computeInputGradient">Whether dL/d(input) is needed.</param>
    /// <returns>dL/d(input), or <see langword="null"/> when not needed.</returns>
    protected abstract Tensor? BackwardCore(Tensor outputGradient, bool computeInputGradient);

    /// <summary>
    /// The inference-mode output into <paramref name="output"/>, reading only parameters and buffers and writing
    /// nothing else (rent scratch for the call): the thread-safe path. Shapes and lengths are already checked.
    /// </summary>
    /// <param name="input">The input, row-major.</param>
    /// <param name="inputShape">Its shape.</param>
    /// <param name="output">The destination, row-major, of the output shape.</param>
    protected abstract void InferCore(ReadOnlySpan<double> input, ReadOnlySpan<int> inputShape, Span<double> output);

    /// <summary>The input of the last forward pass (what <see cref="BackwardCore"/> goes back through).</summary>
    protected Tensor Input => _input ?? throw new InvalidOperationException(
        "The layer has no input yet: no forward pass has run. Call Forward before reading Input (from BackwardCore).");

    /// <summary>The output of the last forward pass, or null before the first (for diagnostics).</summary>
    internal Tensor? LastOutput => _output;

    /// <summary>The output of the last forward pass.</summary>
    protected Tensor Output => _output ?? throw new InvalidOperationException(
        "The layer has no output yet: no forward pass has run. Call Forward before reading Output (from BackwardCore).");

    /// <summary>Output storage of the shape this forward pass produces, reused between calls of the same shape.</summary>
    /// <returns>A tensor of the checked output shape (its values are to be overwritten).</returns>
    protected Tensor ReuseOutput() => Tensor.Reuse(_output, _checkedOutputShape!);

    /// <summary>Input-gradient storage of the last input's shape, reused between calls of the same shape.</summary>
    /// <returns>A tensor of the last input's shape (its values are to be overwritten).</returns>
    protected Tensor ReuseInputGradient() => _inputGradient = Tensor.Reuse(_inputGradient, Input.Shape);

    /// <summary>
    /// Every layer of the model, this one first, then each child's subtree in order (pre-order): what mode switching
    /// and the roll-back reach.
    /// </summary>
    internal Layer[] Subtree => _subtree ??= [this, .. _children.SelectMany(child => child.Layer.Subtree)];

    /// <summary>This layer's own parameters and buffers with their local names, then each child's with dotted names,
    /// in PyTorch's state-dict order (per layer: parameters, then buffers).</summary>
    internal IEnumerable<NamedStateEntry> NamedState(string prefix = "")
    {
        foreach (var parameter in _ownParameters)
        {
            yield return new NamedStateEntry(Join(prefix, parameter.Name), parameter, null);
        }
        foreach (var buffer in _ownBuffers)
        {
            yield return new NamedStateEntry(Join(prefix, buffer.Name), null, buffer);
        }
        foreach (var child in _children)
        {
            foreach (var entry in child.Layer.NamedState(Join(prefix, child.Name)))
            {
                yield return entry;
            }
        }
    }

    /// <summary>Whether <paramref name="tensor"/> is storage this layer or a layer below it returned from a forward
    /// pass (which the next call would overwrite).</summary>
    internal bool OwnsOutput(Tensor tensor)
    {
        foreach (var layer in Subtree)
        {
            if (ReferenceEquals(layer._output, tensor))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The dotted name of <paramref name="descendant"/> below this layer (built for error messages only).</summary>
    internal string PathTo(Layer descendant)
    {
        foreach (var child in _children)
        {
            if (ReferenceEquals(child.Layer, descendant))
            {
                return child.Name;
            }
            if (Array.IndexOf(child.Layer.Subtree, descendant) > 0)
            {
                return Join(child.Name, child.Layer.PathTo(descendant));
            }
        }
        return string.Empty;
    }

    /// <summary>Joins a path and a local name with a dot, as PyTorch's state-dict names do.</summary>
    internal static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    private void CheckInputShape(ReadOnlySpan<int> shape, ForwardMode mode)
    {
        // The check is remembered per shape and mode: a training loop repeats the same shapes, and must not allocate.
        if (_checkedInputShape is not null && mode == _checkedMode && shape.SequenceEqual(_checkedInputShape))
        {
            return;
        }
        int[] outputShape = OutputShape(shape, mode);
        _checkedInputShape = shape.ToArray();
        _checkedMode = mode;
        _checkedOutputShape = outputShape;
    }

    private void RequireNotOwnOutput(Tensor input)
    {
        if (OwnsOutput(input))
        {
            throw new ArgumentException(
                $"{GetType().Name} expected an input other than a tensor it (or a layer inside it) returned, which this " +
                "call overwrites, but got such a tensor. Pass a copy (output.Clone()) or use a second layer.",
                nameof(input));
        }
    }

    private void RecordChildCounts(long[] counts)
    {
        if (counts.Length != _children.Count)
        {
            _childCountsBefore = new long[_children.Count];
            _childCountsAfter = new long[_children.Count];
            counts = ReferenceEquals(counts, _childCountsBefore) ? _childCountsBefore : _childCountsAfter;
        }
        for (int i = 0; i < _children.Count; i++)
        {
            counts[i] = _children[i].Layer._forwardCount;
        }
    }

    private void RequireBackwardAllowed(string layer)
    {
        if (_pendingForwardMode is not { } forwardMode)
        {
            throw Guard.NoForward(layer);
        }
        if (forwardMode != _mode)
        {
            throw new InvalidOperationException(
                $"{layer}.Backward cannot run: the forward pass ran in {forwardMode} mode, but the layer has since been " +
                $"switched to {_mode} mode. Switch back to {forwardMode} before Backward, or run Forward again in " +
                $"{_mode} mode.");
        }
    }

    /// <summary>
    /// Throws, before any child has accumulated a gradient, when a child that ran during this layer's forward pass
    /// cannot go back through it: its mode was switched on its own, it ran another pass since, or its backward pass
    /// has already run.
    /// </summary>
    private void RequireChildrenReadyForBackward(Layer root)
    {
        for (int i = 0; i < _children.Count; i++)
        {
            var child = _children[i].Layer;
            if (_childCountsAfter.Length != _children.Count || _childCountsAfter[i] == _childCountsBefore[i])
            {
                continue; // the child did not run as a layer in this pass (a part computed through functions)
            }
            // The name is built only for an error: this check runs on every training step, which must not allocate.
            string Child() => $"layer {root.PathTo(child)} ({child.GetType().Name})";
            if (child._forwardCount != _childCountsAfter[i])
            {
                throw new InvalidOperationException(
                    $"{GetType().Name}.Backward cannot run: {Child()} has run another forward pass since the model's " +
                    "forward pass, so its cache no longer belongs to it. Run the model's Forward again, then Backward.");
            }
            if (child._pendingForwardMode is not { } forwardMode)
            {
                throw new InvalidOperationException(
                    $"{GetType().Name}.Backward cannot run: {Child()} has already gone back through its forward pass " +
                    "(its own Backward was called). Run the model's Forward again, then Backward once.");
            }
            if (forwardMode != child._mode)
            {
                throw new InvalidOperationException(
                    $"{GetType().Name}.Backward cannot run: the forward pass ran in {forwardMode} mode, but {Child()} " +
                    $"has since been switched to {child._mode} mode. Switch it back to {forwardMode} before Backward, " +
                    "or run the model's Forward again.");
            }
            child.RequireChildrenReadyForBackward(root);
        }
    }

    private void RequireFreeName(string name)
    {
        if (_ownParameters.Any(p => p.Name == name) || _ownBuffers.Any(b => b.Name == name)
            || _children.Any(c => c.Name == name))
        {
            throw new ArgumentException(
                $"{GetType().Name} already has a parameter, buffer or child named \"{name}\"; every name in a layer " +
                "must be unique.", nameof(name));
        }
    }

    private void StructureChanged()
    {
        _allParameters = null;
        _allBuffers = null;
        _subtree = null;
        _rollback = null;
    }

    private static void RequireLength(int length, ReadOnlySpan<int> shape, string parameterName)
    {
        long expected = 1;
        foreach (int dimension in shape)
        {
            expected *= dimension;
        }
        if (length != expected)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Expected {expected} values for shape {Tensor.FormatShape(shape)}, but the span holds {length}."),
                parameterName);
        }
    }

    private static void RequireDefined(ForwardMode mode, string parameterName)
    {
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(parameterName, mode,
                $"Expected ForwardMode.Training or ForwardMode.Inference, but got {mode}.");
        }
    }

    /// <summary>Removes its hook once, when disposed.</summary>
    private sealed class HookRegistration(Layer layer, ForwardHook hook) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (!_disposed && layer._forwardHooks is { } hooks)
            {
                hooks.Remove(hook);
                if (hooks.Count == 0)
                {
                    layer._forwardHooks = null;
                }
            }
            _disposed = true;
        }
    }

    /// <summary>
    /// The buffers and modes of a whole subtree, copied into storage allocated once, so that a refused forward pass
    /// can be undone: by the time a layer refuses a batch, the BatchNorms in front of it have moved their running
    /// statistics. A few values per feature, and no allocation per call.
    /// </summary>
    private sealed class StateRollback
    {
        private readonly Layer[] _layers;
        private readonly StateBuffer[] _buffers;
        private readonly double[][] _savedBuffers;
        private readonly ForwardMode[] _savedModes;

        public StateRollback(Layer[] subtree)
        {
            _layers = subtree;
            _buffers = [.. subtree.SelectMany(layer => layer._ownBuffers)];
            _savedBuffers = Array.ConvertAll(_buffers, buffer => new double[buffer.Value.Length]);
            _savedModes = new ForwardMode[subtree.Length];
        }

        public void Capture()
        {
            for (int i = 0; i < _buffers.Length; i++)
            {
                _buffers[i].Value.AsReadOnlySpan().CopyTo(_savedBuffers[i]);
            }
            for (int i = 0; i < _layers.Length; i++)
            {
                _savedModes[i] = _layers[i]._mode;
            }
        }

        public void Restore()
        {
            for (int i = 0; i < _buffers.Length; i++)
            {
                _savedBuffers[i].CopyTo(_buffers[i].Value.AsSpan());
            }
            for (int i = 0; i < _layers.Length; i++)
            {
                _layers[i]._mode = _savedModes[i];
            }
        }
    }
}
