namespace BatchNormSharp.Data;

/// <summary>How <see cref="TabularData.ReadCsv(string, string, TargetKind, IReadOnlyList{string}?, IReadOnlyCollection{string}?, IReadOnlyCollection{string}?, string?)"/>
/// turns the target column into targets.</summary>
public enum TargetKind
{
    /// <summary>Class indices <c>0 … k-1</c> for softmax cross-entropy, one per class name in sorted order (numeric
    /// order when every class name is a number, ordinal text order otherwise).</summary>
    ClassIndex,

    /// <summary>Exactly two classes as 0 and 1 for binary cross-entropy; 1 is the positive class (by default the
    /// second class in sorted order, as scikit-learn's <c>LabelEncoder</c> would number it).</summary>
    Binary,

    /// <summary>Real values for regression, parsed with the invariant culture.</summary>
    Real,
}
