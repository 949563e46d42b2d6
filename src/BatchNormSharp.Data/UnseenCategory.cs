namespace BatchNormSharp.Data;

/// <summary>What <see cref="FeatureEncoder.Transform"/> does with a text value that the training rows did not
/// contain.</summary>
public enum UnseenCategory
{
    /// <summary>Throw an <see cref="ArgumentException"/> naming the column, the value, its row and the known
    /// categories (the default: a category the model never saw is usually a typo or a change in the data).</summary>
    Error,

    /// <summary>Encode the value as all zeros in that column's one-hot block (scikit-learn's
    /// <c>handle_unknown="ignore"</c>).</summary>
    AllZero,
}
