using System.Globalization;

namespace BatchNormSharp;

/// <summary>
/// Selects the last time step of a sequence, <c>[batch, time, features] -&gt; [batch, features]</c>: PyTorch's
/// <c>output[:, -1, :]</c>, the usual bridge from a recurrent layer that returns every step to a <see cref="Dense"/>
/// head. No parameters.
/// </summary>
/// <example>
/// <code>
/// var model = new Sequential(
///     new LSTM(1, 64, seed: 1, returnSequences: true),
///     new LastTimeStep(),
///     new Dense(64, 1, seed: 2));
/// </code>
/// </example>
public sealed class LastTimeStep : Layer
{
    /// <summary><c>[batch, features]</c> for an input <c>[batch, time, features]</c>.</summary>
    /// <param name="inputShape">The input's shape.</param>
    /// <param name="mode">Either mode.</param>
    /// <returns>The output's shape.</returns>
    /// <exception cref="ArgumentException">The input is not a non-empty rank-3 sequence.</exception>
    public override int[] OutputShape(ReadOnlySpan<int> inputShape, ForwardMode mode)
    {
        if (inputShape.Length != 3 || inputShape[0] == 0 || inputShape[1] == 0 || inputShape[2] == 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"LastTimeStep expects a non-empty sequence of shape [batch, time, features], but got {Tensor.FormatShape(inputShape)}.") +
                " Put it after a recurrent layer that returns every step (returnSequences: true).", nameof(inputShape));
        }
        return [inputShape[0], inputShape[2]];
    }

    /// <summary>Copies each sequence's last step; reads nothing else.</summary>
    /// <param name="input">The sequences.</param>
    /// <param name="inputShape">Their shape.</param>
    /// <param name="output">The destination, <c>[batch, features]</c>.</param>
    protected override void InferCore(ReadOnlySpan<double> input, ReadOnlySpan<int> inputShape, Span<double> output)
    {
        int batch = inputShape[0], time = inputShape[1], features = inputShape[2];
        for (int b = 0; b < batch; b++)
        {
            input.Slice(((b * time) + time - 1) * features, features).CopyTo(output.Slice(b * features, features));
        }
    }

    /// <summary>The gradient goes to the last step of each sequence; every other step gets zero.</summary>
    /// <param name="outputGradient">dL/d(output), <c>[batch, features]</c>.</param>
    /// <param name="computeInputGradient">Whether dL/d(input) is needed.</param>
    /// <returns>dL/d(input), <c>[batch, time, features]</c>, or <see langword="null"/>.</returns>
    protected override Tensor? BackwardCore(Tensor outputGradient, bool computeInputGradient)
    {
        if (!computeInputGradient)
        {
            return null;
        }
        var inputGradient = ReuseInputGradient();
        int batch = Input.Shape[0], time = Input.Shape[1], features = Input.Shape[2];
        Span<double> dx = inputGradient.AsSpan();
        dx.Clear();
        ReadOnlySpan<double> dy = outputGradient.AsReadOnlySpan();
        for (int b = 0; b < batch; b++)
        {
            dy.Slice(b * features, features).CopyTo(dx.Slice(((b * time) + time - 1) * features, features));
        }
        return inputGradient;
    }

    /// <summary>Describes the layer for a whole-model file: the type name only (no hyper-parameters).</summary>
    /// <returns><c>LastTimeStep</c>.</returns>
    public override LayerConfig GetConfig() => new("LastTimeStep");

    /// <inheritdoc/>
    public override string ToString() => "LastTimeStep()";
}
