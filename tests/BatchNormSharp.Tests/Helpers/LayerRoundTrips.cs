namespace BatchNormSharp.Tests.Helpers;

/// <summary>What the recurrent layers' tests do alike: inference from many threads at once, and a model's predictions
/// after its state went through a safetensors file into a differently initialised twin.</summary>
internal static class LayerRoundTrips
{
    /// <summary>Runs <see cref="Layer.Infer"/> on <paramref name="x"/> from 8 threads, 5 times each, and returns each
    /// thread's last output.</summary>
    public static double[][] InferFromManyThreads(Layer layer, Tensor x, int outputLength)
    {
        var results = new double[8][];
        Parallel.For(0, results.Length, i =>
        {
            var y = new double[outputLength];
            for (int repeat = 0; repeat < 5; repeat++)
            {
                layer.Infer(x.AsReadOnlySpan(), x.Shape, y);
            }
            results[i] = y;
        });
        return results;
    }

    /// <summary>
    /// Saves <paramref name="model"/>'s state dictionary, loads it into <paramref name="twin"/> (same architecture,
    /// other initial weights) and returns both models' inference outputs for <paramref name="x"/>.
    /// </summary>
    public static (double[] Original, double[] Loaded) PredictionsAfterSaveAndLoad(
        Layer model, Layer twin, Tensor x, int outputLength)
    {
        var original = new double[outputLength];
        model.Infer(x.AsReadOnlySpan(), x.Shape, original);
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");
        SafeTensors.Save(model.StateDict(), path);
        twin.LoadStateDict(SafeTensors.Load(path));
        var loaded = new double[outputLength];
        twin.Infer(x.AsReadOnlySpan(), x.Shape, loaded);
        return (original, loaded);
    }
}
