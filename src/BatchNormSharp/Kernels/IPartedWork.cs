namespace BatchNormSharp.Kernels;

/// <summary>
/// Work that a kernel splits into a fixed number of independent parts for <see cref="WorkerPool"/>. Part
/// <c>k</c> of <c>P</c> always covers the same range of the problem, and every output element is computed by one part
/// in an order that does not depend on the split, so the result is bit-identical whichever thread runs which part.
/// </summary>
/// <remarks>Unmanaged: the work travels to the helper threads as a pointer to the caller's copy, with pointers to the
/// caller's pinned spans inside it.</remarks>
internal interface IPartedWork
{
    /// <summary>Computes part <paramref name="part"/> of <paramref name="parts"/>.</summary>
    void Run(int part, int parts);
}
