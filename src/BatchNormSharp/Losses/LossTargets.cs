using System.Globalization;

namespace BatchNormSharp;

/// <summary>The checks on predictions and targets that the losses share, with messages that say what to do.</summary>
internal static class LossTargets
{
    /// <summary>Requires non-empty predictions of rank 1 (<c>[batch]</c>) or 2 (<c>[batch, outputs]</c>).</summary>
    public static void Predictions(Tensor predictions, string loss, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(predictions, parameterName);
        if (predictions.Rank is not (1 or 2) || predictions.Length == 0)
        {
            throw new ArgumentException(
                $"{loss} expects non-empty predictions of shape [batch] or [batch, outputs], but got " +
                $"{Tensor.FormatShape(predictions.Shape)}.", parameterName);
        }
    }

    /// <summary>
    /// Requires targets of the predictions' shape; <c>[batch]</c> and <c>[batch, 1]</c> are taken for each other, since
    /// they hold the same values in the same order.
    /// </summary>
    public static void SameShape(Tensor predictions, Tensor targets, string loss, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(targets, parameterName);
        if (targets.HasSameShape(predictions) || (IsColumn(predictions, targets) || IsColumn(targets, predictions)))
        {
            return;
        }
        throw new ArgumentException(
            $"{loss} expects targets of the predictions' shape {Tensor.FormatShape(predictions.Shape)}, but got " +
            $"{Tensor.FormatShape(targets.Shape)}. Give one target per prediction ([batch] and [batch, 1] are both " +
            "accepted for a single output).", parameterName);
    }

    /// <summary>Requires every target to be a number (not NaN or infinite).</summary>
    public static void Finite(ReadOnlySpan<double> targets, string loss, string parameterName)
    {
        for (int i = 0; i < targets.Length; i++)
        {
            if (!double.IsFinite(targets[i]))
            {
                throw new ArgumentException(
                    $"{loss} expects finite targets, but target {Index(i)} is {Format(targets[i])}. Remove or fill " +
                    "the rows with missing targets before training.", parameterName);
            }
        }
    }

    public static string Index(int i) => i.ToString(CultureInfo.InvariantCulture);

    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Whether <paramref name="column"/> is <c>[n, 1]</c> and <paramref name="vector"/> is <c>[n]</c>.</summary>
    private static bool IsColumn(Tensor column, Tensor vector) =>
        column.Rank == 2 && column.Shape[1] == 1 && vector.Rank == 1 && vector.Shape[0] == column.Shape[0];
}
