namespace BatchNormSharp;

/// <summary>Counts correct classifications without allocating.</summary>
internal static class Accuracy
{
    /// <summary>The number of rows of <paramref name="logits"/> whose largest entry (the first on a tie) is the label.</summary>
    public static int CountCorrect(Tensor logits, ReadOnlySpan<int> labels)
    {
        int correct = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            if (Tensor.ArgMax(logits.Row(i)) == labels[i])
            {
                correct++;
            }
        }
        return correct;
    }
}
