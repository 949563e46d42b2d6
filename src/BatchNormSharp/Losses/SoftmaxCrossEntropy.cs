using System.Globalization;
using BatchNormSharp.Kernels;

namespace BatchNormSharp;

/// <summary>
/// Softmax followed by cross-entropy with integer class labels, fused for stability and speed, averaged over the
/// batch: PyTorch's <c>F.cross_entropy(logits, labels)</c> (reduction <c>mean</c>).
/// </summary>
/// <remarks>
/// <para>The loss of a row is <c>logsumexp(z) - z[label]</c>, computed with the row's maximum subtracted first, so
/// logits of any size give a finite loss. The fused gradient is <c>(softmax(z) - onehot(label)) / N</c>.</para>
/// <para>Like a layer, the instance keeps what its backward pass needs and reuses its storage between calls.</para>
/// <para>Logits are not scanned: a NaN logit gives a NaN loss, as in PyTorch; <see cref="Trainer.Fit"/> stops on it.
/// Infinite logits are not supported either (<c>+∞ - +∞</c> is NaN).</para>
/// </remarks>
public sealed class SoftmaxCrossEntropy
{
    private Tensor? _probabilities;
    private Tensor? _logitsGradient;
    private int[] _labels = [];
    private double[] _logSumExp = [];
    private bool _hasForward;

    /// <summary>The softmax probabilities of the last <see cref="Forward"/> call, shape <c>[batch, classes]</c>.</summary>
    /// <exception cref="InvalidOperationException">Forward has not been called yet.</exception>
    public Tensor Probabilities => _probabilities ?? throw new InvalidOperationException(
        "Probabilities are computed by Forward(logits, labels): call it first.");

    /// <summary>Computes the mean cross-entropy of the batch and keeps the probabilities for <see cref="Backward"/>.</summary>
    /// <param name="logits">Unnormalised scores, shape <c>[batch, classes]</c>.</param>
    /// <param name="labels">The class of each row, in <c>[0, classes)</c>; one per row.</param>
    /// <returns>The loss, <c>mean_i (logsumexp(z_i) - z_i[label_i])</c>.</returns>
    /// <exception cref="ArgumentException">The logits are not a non-empty batch, the label count differs from the row
    /// count, or a label lies outside <c>[0, classes)</c>. Nothing is changed.</exception>
    public double Forward(Tensor logits, ReadOnlySpan<int> labels)
    {
        Guard.Batch(logits, nameof(SoftmaxCrossEntropy), nameof(logits));
        int rows = logits.Shape[0], classes = logits.Shape[1];
        ValidateLabels(labels, rows, classes);

        var probabilities = Tensor.Reuse(_probabilities, rows, classes);
        if (_labels.Length != rows)
        {
            _labels = new int[rows];
            _logSumExp = new double[rows];
        }
        ReadOnlySpan<double> z = logits.AsReadOnlySpan();
        Softmax.Rows(z, rows, classes, probabilities.AsSpan(), _logSumExp);
        double total = 0.0;
        for (int i = 0; i < rows; i++)
        {
            total += _logSumExp[i] - z[(i * classes) + labels[i]];
        }

        labels.CopyTo(_labels);
        _probabilities = probabilities;
        _hasForward = true;
        return total / rows;
    }

    /// <summary>The gradient of the mean loss with respect to the logits: <c>(softmax(z) - onehot(label)) / N</c>.</summary>
    /// <returns>dL/d(logits), shape <c>[batch, classes]</c>; valid until the next backward call.</returns>
    /// <exception cref="InvalidOperationException">No forward pass to go back through.</exception>
    public Tensor Backward()
    {
        if (!_hasForward || _probabilities is null)
        {
            throw new InvalidOperationException(
                "SoftmaxCrossEntropy.Backward was called without a forward pass to go back through: call " +
                "Forward(logits, labels) first, then Backward once.");
        }
        int rows = _probabilities.Shape[0], classes = _probabilities.Shape[1];
        var gradient = Tensor.Reuse(_logitsGradient, rows, classes);
        Span<double> g = gradient.AsSpan();
        _probabilities.AsReadOnlySpan().CopyTo(g);
        for (int i = 0; i < rows; i++)
        {
            g[(i * classes) + _labels[i]] -= 1.0;
        }
        Elementwise.ScaleInPlace(g, 1.0 / rows);
        _logitsGradient = gradient;
        _hasForward = false;
        return gradient;
    }

    private static void ValidateLabels(ReadOnlySpan<int> labels, int rows, int classes)
    {
        if (labels.Length != rows)
        {
            throw new ArgumentException(
                $"Expected one label per row ({rows.ToString(CultureInfo.InvariantCulture)}), but got " +
                $"{labels.Length.ToString(CultureInfo.InvariantCulture)} labels.", nameof(labels));
        }
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classes)
            {
                throw new ArgumentException(
                    $"Labels must lie in [0, {classes.ToString(CultureInfo.InvariantCulture)}) for " +
                    $"{classes.ToString(CultureInfo.InvariantCulture)} classes, but label {i.ToString(CultureInfo.InvariantCulture)} " +
                    $"is {labels[i].ToString(CultureInfo.InvariantCulture)}.", nameof(labels));
            }
        }
    }
}
