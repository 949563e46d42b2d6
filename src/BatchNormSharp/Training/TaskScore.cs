namespace BatchNormSharp;

/// <summary>
/// How a batch is scored for the task its loss trains: correct answers for classification (arg-max for several
/// classes, probability above 0.5, that is a logit above 0, for binary outputs), summed absolute error for regression.
/// Allocation-free: it runs on every training batch.
/// </summary>
internal static class TaskScore
{
    /// <summary>The batch's score sum and the count it is averaged over (rows for several classes, outputs otherwise).</summary>
    public static (double Sum, int Count) Of(LossTask task, Tensor predictions, Tensor targets)
    {
        ReadOnlySpan<double> p = predictions.AsReadOnlySpan(), t = targets.AsReadOnlySpan();
        switch (task)
        {
            case LossTask.MultiClass:
                int rows = predictions.Shape[0], classes = predictions.Length / rows, correct = 0;
                for (int i = 0; i < rows; i++)
                {
                    correct += Tensor.ArgMax(p.Slice(i * classes, classes)) == (int)t[i] ? 1 : 0;
                }
                return (correct, rows);
            case LossTask.Binary:
                int right = 0;
                for (int i = 0; i < p.Length; i++)
                {
                    right += (p[i] > 0.0) == (t[i] >= 0.5) ? 1 : 0;
                }
                return (right, p.Length);
            default:
                double absolute = 0.0;
                for (int i = 0; i < p.Length; i++)
                {
                    absolute += Math.Abs(p[i] - t[i]);
                }
                return (absolute, p.Length);
        }
    }
}
