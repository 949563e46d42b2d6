namespace BatchNormSharp;

/// <summary>Keras's <c>model.summary()</c> for any <see cref="ILayer"/>.</summary>
public static class SummaryExtensions
{
    /// <summary>
    /// Describes <paramref name="model"/> layer by layer: output shapes for inputs of
    /// <paramref name="inputFeatures"/> features, and parameter counts. Print it with <c>ToString()</c>.
    /// </summary>
    /// <param name="model">A layer or container.</param>
    /// <param name="inputFeatures">The width of the model's input, needed to work out each layer's output shape.</param>
    /// <returns>The summary.</returns>
    /// <exception cref="ArgumentException">The model does not accept inputs of that width; nothing is changed.</exception>
    /// <remarks>Output shapes of this library's layers are worked out without running them. A layer of another type is
    /// run once in inference mode on a batch of two zero rows to see its output width; its mode is put back, but its
    /// forward cache is overwritten, so do not ask for a summary between a forward pass and its backward pass.</remarks>
    public static ModelSummary Summary(this ILayer model, int inputFeatures) => ModelSummary.Create(model, inputFeatures);
}
