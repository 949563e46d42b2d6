namespace BatchNormSharp.Plots;

/// <summary>The last forward pass an <see cref="ActivationRecorder"/> holds, for the overloads that take one.</summary>
internal static class RecordedPass
{
    public static (Tensor Input, Tensor Output) Last(ActivationRecorder recorder, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(recorder, parameterName);
        if (recorder.Outputs.Count == 0)
        {
            throw new ArgumentException(
                $"Expected a recorder that has recorded a forward pass, but the one on {recorder.Layer} has none. Run " +
                "model.Forward(inputs, ForwardMode.Inference) while it is attached, then plot.", parameterName);
        }
        return (recorder.Inputs[^1], recorder.Outputs[^1]);
    }
}
