namespace BatchNormSharp;

/// <summary>
/// Folds every BatchNorm that directly follows a Dense into that Dense, for inference: the usual step before
/// deployment (PyTorch's <c>torch.fx</c> / <c>fuse_modules</c>, TensorRT and ONNX Runtime do the same).
/// </summary>
/// <remarks>
/// <para>In inference mode a BatchNorm is an affine map per feature,
/// <c>y = (z - runningMean) · s + β</c> with <c>s = γ / √(runningVar + ε)</c>, so after <c>z = x·W + b</c> the pair is
/// one Dense with <c>W' = W · s</c> (each output column scaled) and <c>b' = (b - runningMean) · s + β</c>. The folded
/// model has one matrix product and no normalisation per folded pair.</para>
/// <para><b>Through the layer contract.</b> A layer that computes a constant per-feature affine map in inference
/// (<see cref="IPerFeatureAffineLayer"/>: <see cref="BatchNorm"/> with running statistics, <see cref="Normalization"/>)
/// is folded into the layer in front of it when that one can absorb it (<see cref="IAffineAbsorbingLayer"/>:
/// <see cref="Dense"/>). Containers whose children run in sequence (<see cref="Layer.ChildrenRunInSequence"/>) are
/// walked, and rebuilt with their folded children through their registered factory; every other layer is copied
/// with <see cref="ModelFile.Copy{TLayer}"/>. A layer of your own joins by implementing those interfaces, or by being
/// describable (<see cref="Layer.GetConfig"/>) to be copied.</para>
/// <para><b>Precision.</b> Predictions equal the unfolded model's to about 1e-15 relative when the Dense outputs are
/// centred within a few standard deviations of their running mean, as after training. The two models take the
/// difference <c>z - runningMean</c> at different places, so when a Dense output's offset is much larger than its
/// spread (offset / spread = k) each loses about <c>log10(k)</c> digits to cancellation: measured, the folded and
/// unfolded outputs differ by about <c>k · 4e-16</c> relative to the row's largest output (7e-16 at k = 1, 3e-14 at
/// k = 1e2, 4e-12 at k = 1e4, 3e-10 at k = 1e6), so 1e-12 holds up to k ≈ 2,500. Standardise the inputs (or put a
/// BatchNorm first) to keep k small.</para>
/// <para>Other layers are copied unchanged: a BatchNorm that does not follow a Dense (or has no running statistics,
/// and so normalises with batch statistics even in inference), a Normalization in front of the model, activations and
/// nested containers, in which the same folding applies.</para>
/// </remarks>
public static class BatchNormFolding
{
    /// <summary>
    /// A new inference-mode model in which every BatchNorm with running statistics (or Normalization) that directly
    /// follows a Dense (in the same <see cref="Sequential"/>) is folded into a new Dense. The original model is not
    /// changed.
    /// </summary>
    /// <param name="model">A trained model; its mode does not matter, the folded model always uses running
    /// statistics.</param>
    /// <returns>A new model of new layers, in inference mode, holding copies of every parameter and buffer.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    /// <exception cref="NotSupportedException">The model holds a layer this method cannot copy (a layer of your own
    /// that does not describe itself); the message names it. Nothing is changed.</exception>
    public static Sequential FoldBatchNorm(this Sequential model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return (Sequential)Fold(model, path: string.Empty).Eval();
    }

    private static Layer Fold(Layer layer, string path)
    {
        if (!layer.ChildrenRunInSequence)
        {
            return Copy(layer, path);
        }
        var source = layer.Children;
        var folded = new List<NamedLayer>(source.Count);
        for (int i = 0; i < source.Count; i++)
        {
            if (i + 1 < source.Count && FoldPair(source[i].Layer, source[i + 1].Layer) is { } merged)
            {
                folded.Add(new NamedLayer(source[i].Name, merged));
                i++; // the affine map is inside the new layer
            }
            else
            {
                folded.Add(new NamedLayer(source[i].Name, Fold(source[i].Layer, Layer.Join(path, source[i].Name))));
            }
        }
        return Rebuild(layer, folded, path);
    }

    /// <summary>The one layer computing <paramref name="first"/> then <paramref name="second"/>, when the second is a
    /// constant per-feature affine map in inference and the first can absorb it; otherwise null.</summary>
    private static Layer? FoldPair(Layer first, Layer second) =>
        first is IAffineAbsorbingLayer absorbing && second is IPerFeatureAffineLayer affineLayer
            && affineLayer.TryGetInferenceAffine(out var affine)
            ? absorbing.AbsorbFollowingAffine(affine)
            : null;

    private static Layer Copy(Layer layer, string path)
    {
        try
        {
            return ModelFile.Copy(layer);
        }
        catch (ArgumentException error)
        {
            throw new NotSupportedException(
                $"FoldBatchNorm builds a new model and copies each layer it does not fold through the layer's " +
                $"description (ModelFile.Copy), but layer {path} is {layer} ({layer.GetType().Name}), which cannot be " +
                $"copied: {ModelArchitecture.MessageOf(error)}. Fold a model of describable layers; the original " +
                "model is unchanged.", error);
        }
    }

    /// <summary>A new container of the same type and hyper-parameters holding <paramref name="children"/>, built by its
    /// registered factory, with the container's own parameters and buffers (if any) copied.</summary>
    private static Layer Rebuild(Layer container, List<NamedLayer> children, string path)
    {
        var config = container.GetConfig();
        var factory = config is null ? null : LayerRegistry.Find(config.Type);
        Layer? rebuilt = null;
        try
        {
            rebuilt = factory?.Invoke(LayerConfig.FromJson(config!.Type, config.ToJson(), children, valueBudget: null));
        }
        catch (Exception error) when (error is ArgumentException or InvalidDataException)
        {
            rebuilt = null;
        }
        if (rebuilt is null || !rebuilt.Children.Select(child => child.Layer).SequenceEqual(children.Select(child => child.Layer)))
        {
            string where = path.Length == 0 ? "the model" : $"layer {path}";
            throw new NotSupportedException(
                $"FoldBatchNorm rebuilds each container with its folded children through the container's registered " +
                $"factory (LayerRegistry), but {where} ({container.GetType().Name}) is not described, not registered, or " +
                "its factory does not take the children it is given. Describe and register it (Layer.GetConfig, " +
                "LayerRegistry.Register) with a factory that passes on LayerConfig.Children; the original model is unchanged.");
        }
        var own = container.NamedState().Where(entry => !entry.Name.Contains('.', StringComparison.Ordinal))
            .ToDictionary(entry => entry.Name, entry => entry.Value, StringComparer.Ordinal);
        foreach (var entry in rebuilt.NamedState().Where(entry => own.ContainsKey(entry.Name)))
        {
            entry.Value.CopyFrom(own[entry.Name]);
        }
        return rebuilt;
    }
}
