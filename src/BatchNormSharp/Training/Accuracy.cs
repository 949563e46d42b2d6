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
            ReadOnlySpan<double> row = logits.Row(i);
            int best = 0;
            for (int j = 1; j < row.Length; j++)
            {
                if (row[j] > row[best])
                {
                    best = j;
                }
            }
            if (best == labels[i])
            {
                correct++;
            }
        }
        return correct;
    }
}
