namespace BatchNormSharp;

/// <summary>Keras's <c>model.summary()</c> for any <see cref="Layer"/>.</summary>
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
    /// <remarks>Output shapes are worked out from each layer's <see cref="Layer.OutputShape"/>, without running
    /// anything: a summary changes nothing of the model.</remarks>
    public static ModelSummary Summary(this Layer model, int inputFeatures) => ModelSummary.Create(model, inputFeatures);

    /// <summary>
    /// Describes <paramref name="model"/> for the input width its first layer declares
    /// (<see cref="Layer.InputFeatures"/>), as Keras's <c>model.summary()</c> does once the input is known.
    /// </summary>
    /// <param name="model">A layer or container whose first layer knows its input width (a <see cref="Dense"/>, a
    /// <see cref="BatchNorm"/>).</param>
    /// <returns>The summary.</returns>
    /// <exception cref="InvalidOperationException">The first layer takes any width (a <see cref="ReLU"/>, an empty
    /// model): call <see cref="Summary(Layer, int)"/> with the width.</exception>
    public static ModelSummary Summary(this Layer model)
    {
        ArgumentNullException.ThrowIfNull(model);
        int width = model.InputFeatures ?? throw new InvalidOperationException(
            $"{model.GetType().Name}.Summary() needs the input width, but the model's first layer does not declare one " +
            "(it takes any width). Call Summary(inputFeatures) with the number of input features.");
        return ModelSummary.Create(model, width);
    }
}
