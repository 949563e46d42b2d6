namespace BatchNormSharp;

/// <summary>
/// A layer's mode (PyTorch's <c>training</c> flag) and the forward pass that is waiting for its backward pass.
/// One instance per layer; it is what makes "backward without forward", "backward twice" and "backward after a mode
/// switch" loud errors instead of silently wrong gradients.
/// </summary>
internal sealed class ModeState
{
    private ForwardMode _mode = ForwardMode.Training;
    private ForwardMode? _pendingForwardMode;
    private long _forwardCount;

    /// <summary>The current mode: set by every successful forward pass and by assignment.</summary>
    public ForwardMode Mode
    {
        get => _mode;
        set
        {
            Validate(value, nameof(ILayer.Mode));
            _mode = value;
        }
    }

    /// <summary>The mode of the forward pass that is waiting for its backward pass, or <see langword="null"/>.</summary>
    public ForwardMode? PendingForwardMode => _pendingForwardMode;

    /// <summary>
    /// How many forward passes have completed: a container compares it with the count it saw after its own forward
    /// pass to notice a child that has run another forward pass since.
    /// </summary>
    public long ForwardCount => _forwardCount;

    /// <summary>Throws when <paramref name="mode"/> is not a defined <see cref="ForwardMode"/>.</summary>
    public static void Validate(ForwardMode mode, string parameterName)
    {
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(parameterName, mode,
                $"Expected ForwardMode.Training or ForwardMode.Inference, but got {mode}.");
        }
    }

    /// <summary>Records a successful forward pass in <paramref name="mode"/>, which leaves the layer in that mode.</summary>
    public void ForwardCompleted(ForwardMode mode)
    {
        _mode = mode;
        _pendingForwardMode = mode;
        _forwardCount++;
    }

    /// <summary>Throws unless a forward pass is waiting for its backward pass and the mode has not changed since.</summary>
    public void RequireBackwardAllowed(string layer)
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

    /// <summary>Marks the forward pass as spent: one backward pass per forward pass.</summary>
    public void BackwardCompleted() => _pendingForwardMode = null;
}
