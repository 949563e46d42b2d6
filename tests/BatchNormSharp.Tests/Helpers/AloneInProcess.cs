namespace BatchNormSharp.Tests;

/// <summary>
/// Tests that need the process to themselves: they own the kernels' helper threads on purpose, or count the bytes
/// allocated by every thread (<see cref="GC.GetTotalAllocatedBytes(bool)"/>), which other tests running at the same
/// time would add to. xunit runs this collection after all others, one test at a time.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneInProcess
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Worker pool, alone in the process";
}
