namespace BatchNormSharp;

/// <summary>Precision, recall and F1 of each class and their macro averages, from <see cref="ConfusionMatrix.Report"/>.</summary>
/// <param name="Precision">Per class: the fraction of examples predicted as the class that belong to it.</param>
/// <param name="Recall">Per class: the fraction of the class's examples predicted as it.</param>
/// <param name="F1">Per class: the harmonic mean of precision and recall.</param>
/// <param name="Support">Per class: the number of examples that belong to it.</param>
/// <param name="MacroPrecision">The mean of the per-class precisions.</param>
/// <param name="MacroRecall">The mean of the per-class recalls.</param>
/// <param name="MacroF1">The mean of the per-class F1 values (sklearn's <c>f1_score(average="macro")</c>).</param>
/// <param name="Accuracy">The fraction of all examples predicted correctly.</param>
public sealed record ClassificationReport(
    IReadOnlyList<double> Precision, IReadOnlyList<double> Recall, IReadOnlyList<double> F1, IReadOnlyList<int> Support,
    double MacroPrecision, double MacroRecall, double MacroF1, double Accuracy);
