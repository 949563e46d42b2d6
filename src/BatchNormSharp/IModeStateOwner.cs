namespace BatchNormSharp;

/// <summary>
/// A layer of this library, whose <see cref="ModeState"/> a container may read: <see cref="Sequential"/> checks every
/// child before a backward pass starts, so that a child that cannot go back is reported before any other child has
/// accumulated a gradient.
/// </summary>
internal interface IModeStateOwner
{
    /// <summary>The layer's mode and the forward pass waiting for its backward pass.</summary>
    ModeState ModeState { get; }
}
