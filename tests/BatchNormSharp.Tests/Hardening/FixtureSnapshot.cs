using System.Globalization;
using BatchNormSharp.Kernels;

namespace BatchNormSharp.Tests.Hardening;

/// <summary>
/// Everything a bad-input case could change, captured before it runs: the model and optimizer
/// (<see cref="StateSnapshot"/>), every layer's mode, the loss's probabilities and pending forward pass, the random
/// source handed to constructors, the scratch vector, and every file in the fixture's folder (bytes and permission
/// bits, and no new or removed file). A refused call that changed any of these fails the catalogue.
/// </summary>
internal sealed class FixtureSnapshot
{
    private readonly CatalogueFixture _fixture;
    private readonly StateSnapshot _state;
    private readonly StateSnapshot? _other;
    private readonly ForwardMode[] _modes;
    private readonly double[]? _probabilities;
    private readonly bool _lossPending;
    private readonly int[] _lossLabels;
    private readonly double[] _vector;
    private readonly int _randomDrawsBefore;
    private readonly Dictionary<string, (byte[] Bytes, UnixFileMode? Mode)> _files;

    private FixtureSnapshot(CatalogueFixture fixture, int randomDrawsBefore)
    {
        _fixture = fixture;
        _state = StateSnapshot.Of(fixture.Model, fixture.Optimizer);
        _other = fixture.Other is { } other ? StateSnapshot.Of(other) : null;
        _modes = [.. AllLayers(fixture).Select(layer => layer.Mode)];
        _probabilities = TryProbabilities(fixture.Loss);
        _lossPending = fixture.LossPending;
        _lossLabels = [.. fixture.LossLabels];
        _vector = fixture.Vector.ToArray();
        _randomDrawsBefore = randomDrawsBefore;
        _files = fixture.HasFolder ? Files(fixture.Folder) : [];
    }

    /// <summary>Captures <paramref name="fixture"/>, whose <see cref="CatalogueFixture.Random"/> has not been drawn from.</summary>
    public static FixtureSnapshot Of(CatalogueFixture fixture) => new(fixture, randomDrawsBefore: 0);

    /// <summary>What the snapshot covers, for failure messages.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{_state.Count + (_other?.Count ?? 0)} model and optimizer tensors, {_modes.Length} layer modes, the loss, the random source, " +
        $"the vector, {_files.Count} files");

    /// <summary>
    /// The first difference between the captured and the live fixture, or <see langword="null"/>. Checking consumes
    /// the loss's pending forward pass and draws from the random source, so call it once, at the end of a case.
    /// </summary>
    public string? FirstDifference()
    {
        if (_state.FirstDifference() is { } state)
        {
            return state;
        }
        if (_other?.FirstDifference() is { } other)
        {
            return "the other model: " + other;
        }
        var layers = AllLayers(_fixture).ToArray();
        for (int i = 0; i < layers.Length; i++)
        {
            if (layers[i].Mode != _modes[i])
            {
                return $"the mode of {layers[i]} was {_modes[i]} and is now {layers[i].Mode}";
            }
        }
        if (LossDifference() is { } loss)
        {
            return loss;
        }
        if (!_fixture.Vector.AsReadOnlySpan().SequenceEqual(_vector))
        {
            return "the vector was [" + string.Join(", ", _vector) + "] and is now [" +
                   string.Join(", ", _fixture.Vector.ToArray()) + "]";
        }
        if (RandomDifference() is { } random)
        {
            return random;
        }
        return FileDifference();
    }

    /// <summary>Fails unless nothing the case could have changed has changed.</summary>
    public void ShouldBeUnchanged(string because) => FirstDifference().Should().BeNull(because);

    private string? LossDifference()
    {
        double[]? probabilities = TryProbabilities(_fixture.Loss);
        if ((probabilities is null) != (_probabilities is null) ||
            (probabilities is not null && !BitsEqual(probabilities, _probabilities!)))
        {
            return "the loss's probabilities changed";
        }
        if (!_fixture.LossLabels.SequenceEqual(_lossLabels))
        {
            return "the fixture's loss labels changed (a case's arrange step must not change them)";
        }
        if (!_lossPending)
        {
            try
            {
                _fixture.Loss.Backward();
                return "the loss gained a forward pass";
            }
            catch (InvalidOperationException)
            {
                return null;
            }
        }
        // The pending pass must still give the gradient of the captured probabilities and labels.
        double[] expected = [.. _probabilities!];
        int rows = _lossLabels.Length, classes = expected.Length / rows;
        for (int i = 0; i < rows; i++)
        {
            expected[(i * classes) + _lossLabels[i]] -= 1.0;
        }
        Elementwise.ScaleInPlace(expected, 1.0 / rows);
        Tensor gradient;
        try
        {
            gradient = _fixture.Loss.Backward();
        }
        catch (InvalidOperationException)
        {
            return "the loss lost its pending forward pass";
        }
        return BitsEqual(gradient.ToArray(), expected) ? null : "the loss's pending gradient changed (labels or probabilities)";
    }

    private string? RandomDifference()
    {
        var twin = new Random(CatalogueFixture.RandomSeed);
        for (int i = 0; i < _randomDrawsBefore; i++)
        {
            twin.NextDouble();
        }
        for (int i = 0; i < 4; i++)
        {
            if (_fixture.Random.NextDouble() != twin.NextDouble())
            {
                return "the random source was drawn from";
            }
        }
        return null;
    }

    private string? FileDifference()
    {
        var now = _fixture.HasFolder ? Files(_fixture.Folder) : [];
        foreach (var (name, (bytes, mode)) in _files)
        {
            if (!now.TryGetValue(name, out var current))
            {
                return $"file {name} was removed";
            }
            if (!current.Bytes.AsSpan().SequenceEqual(bytes))
            {
                return $"file {name} changed its bytes";
            }
            if (current.Mode != mode)
            {
                return $"file {name} changed its permissions from {mode} to {current.Mode}";
            }
        }
        var added = now.Keys.Except(_files.Keys).ToList();
        return added.Count == 0 ? null : "files appeared: " + string.Join(", ", added);
    }

    private static Dictionary<string, (byte[] Bytes, UnixFileMode? Mode)> Files(string folder) =>
        Directory.GetFiles(folder).ToDictionary(
            path => Path.GetFileName(path),
            path => (File.ReadAllBytes(path), OperatingSystem.IsWindows() ? (UnixFileMode?)null : File.GetUnixFileMode(path)));

    private static IEnumerable<Layer> AllLayers(CatalogueFixture fixture) =>
        fixture.Other is { } other ? [.. Layers(fixture.Model), .. Layers(other)] : Layers(fixture.Model);

    private static IEnumerable<Layer> Layers(Layer model) =>
        model is Sequential sequential ? [sequential, .. sequential.Layers.SelectMany(Layers)] : [model];

    private static double[]? TryProbabilities(SoftmaxCrossEntropy loss)
    {
        try
        {
            return loss.Probabilities.ToArray();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static bool BitsEqual(double[] a, double[] b) =>
        a.Length == b.Length && a.Select(BitConverter.DoubleToInt64Bits).SequenceEqual(b.Select(BitConverter.DoubleToInt64Bits));
}
