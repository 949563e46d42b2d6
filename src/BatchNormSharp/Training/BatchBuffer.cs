namespace BatchNormSharp;

/// <summary>
/// Reusable storage for batches gathered from a data set: the inputs of the chosen rows and their targets, for any
/// shape whose first dimension is the rows (tabular rows, sequences). A pass uses at most two batch sizes (full
/// batches and the last one), so after the first epoch gathering allocates nothing.
/// </summary>
internal sealed class BatchBuffer
{
    private readonly Dictionary<int, (Tensor Inputs, Tensor Targets)> _bySize = [];

    /// <summary>Copies rows <paramref name="rows"/> of <paramref name="inputs"/> and <paramref name="targets"/>.</summary>
    public (Tensor Inputs, Tensor Targets) Gather(Tensor inputs, Tensor targets, ReadOnlySpan<int> rows)
    {
        var batch = Storage(rows.Length, inputs, targets);
        Copy(inputs, batch.Inputs, rows);
        Copy(targets, batch.Targets, rows);
        return batch;
    }

    private static void Copy(Tensor source, Tensor destination, ReadOnlySpan<int> rows)
    {
        int width = source.Length / source.Shape[0];
        ReadOnlySpan<double> from = source.AsReadOnlySpan();
        Span<double> to = destination.AsSpan();
        for (int i = 0; i < rows.Length; i++)
        {
            from.Slice(rows[i] * width, width).CopyTo(to.Slice(i * width, width));
        }
    }

    private (Tensor Inputs, Tensor Targets) Storage(int rows, Tensor inputs, Tensor targets)
    {
        if (!_bySize.TryGetValue(rows, out var batch)
            || !SameRowShape(batch.Inputs, inputs) || !SameRowShape(batch.Targets, targets))
        {
            batch = (Tensor.Zeros(WithRows(inputs, rows)), Tensor.Zeros(WithRows(targets, rows)));
            _bySize[rows] = batch;
        }
        return batch;
    }

    private static bool SameRowShape(Tensor a, Tensor b) => a.Shape[1..].SequenceEqual(b.Shape[1..]);

    private static int[] WithRows(Tensor source, int rows)
    {
        int[] shape = source.Shape.ToArray();
        shape[0] = rows;
        return shape;
    }
}
