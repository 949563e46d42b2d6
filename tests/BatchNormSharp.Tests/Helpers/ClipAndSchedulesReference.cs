using System.Text.Json;

namespace BatchNormSharp.Tests;

/// <summary><c>clip_and_schedules.json</c> (<c>Reference/gen_clip_and_schedules.py</c>), read as a JSON document.</summary>
internal static class ClipAndSchedulesReference
{
    public const string FileName = "clip_and_schedules.json";

    public static JsonElement Root()
    {
        using var stream = File.OpenRead(Path.Combine(ReferenceFiles.Folder, FileName));
        using var document = JsonDocument.Parse(stream);
        return document.RootElement.Clone();
    }

    /// <summary>Parameters of the file's shapes holding its gradients (values zero).</summary>
    public static Parameter[] Parameters(JsonElement root)
    {
        var shapes = root.GetProperty("shapes").EnumerateArray()
            .Select(shape => shape.EnumerateArray().Select(d => d.GetInt32()).ToArray()).ToArray();
        var grads = root.GetProperty("grads").EnumerateArray().ToArray();
        var parameters = new Parameter[shapes.Length];
        for (int i = 0; i < shapes.Length; i++)
        {
            parameters[i] = new Parameter("weight", Tensor.Zeros(shapes[i]));
            OptimizerTrajectory.Flatten(grads[i]).CopyTo(parameters[i].Gradient.AsSpan());
        }
        return parameters;
    }
}
