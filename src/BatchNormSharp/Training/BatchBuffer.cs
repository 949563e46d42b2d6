namespace BatchNormSharp;

/// <summary>
/// Reusable storage for the batches of a pass over a data set: one input tensor and label array per batch size, so
/// that steady-state batches copy rows but allocate nothing.
/// </summary>
internal sealed class BatchBuffer
{
    // A pass uses at most two sizes (full batches and the last one), so this stays tiny.
    private readonly Dictionary<int, (Tensor Inputs, int[] Labels)> _bySize = [];

    /// <summary>Copies the rows listed in <paramref name="rows"/> (and their labels, when given) into a batch.</summary>
    public (Tensor Inputs, int[] Labels) Gather(Tensor inputs, int[]? labels, ReadOnlySpan<int> rows)
    {
        var batch = Storage(rows.Length, inputs.Shape[1]);
        int width = inputs.Shape[1];
        ReadOnlySpan<double> source = inputs.AsReadOnlySpan();
        Span<double> destination = batch.Inputs.AsSpan();
        for (int i = 0; i < rows.Length; i++)
        {
            source.Slice(rows[i] * width, width).CopyTo(destination.Slice(i * width, width));
            if (labels is not null)
            {
                batch.Labels[i] = labels[rows[i]];
            }
        }
        return batch;
    }

    /// <summary>Copies the <paramref name="count"/> consecutive rows from <paramref name="start"/> into a batch.</summary>
    public (Tensor Inputs, int[] Labels) Range(Tensor inputs, int[]? labels, int start, int count)
    {
        var batch = Storage(count, inputs.Shape[1]);
        int width = inputs.Shape[1];
        inputs.AsReadOnlySpan().Slice(start * width, count * width).CopyTo(batch.Inputs.AsSpan());
        labels?.AsSpan(start, count).CopyTo(batch.Labels);
        return batch;
    }

    private (Tensor Inputs, int[] Labels) Storage(int rows, int width)
    {
        if (!_bySize.TryGetValue(rows, out var batch) || batch.Inputs.Shape[1] != width)
        {
            batch = (Tensor.Zeros(rows, width), new int[rows]);
            _bySize[rows] = batch;
        }
        return batch;
    }
}
