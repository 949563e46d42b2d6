namespace BatchNormSharp;

/// <summary>A model's predictions for a batch of rows: the class of each and the softmax probabilities.</summary>
public sealed class Prediction
{
    internal Prediction(int[] classes, Tensor probabilities)
    {
        Classes = classes;
        Probabilities = probabilities;
    }

    /// <summary>The predicted class of each row: the index of its largest output (the first one on a tie).</summary>
    public IReadOnlyList<int> Classes { get; }

    /// <summary>The softmax of the model's outputs, shape <c>[rows, classes]</c>; each row sums to 1.</summary>
    public Tensor Probabilities { get; }
}
