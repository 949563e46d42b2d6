using BatchNormSharp.Kernels;

namespace BatchNormSharp;

/// <summary>
/// Softmax followed by cross-entropy with integer class labels, fused for stability and speed, averaged over the
/// batch: PyTorch's <c>F.cross_entropy(logits, labels)</c> (reduction <c>mean</c>).
/// </summary>
/// <remarks>
/// <para>The loss of a row is <c>logsumexp(z) - z[label]</c>, computed with the row's maximum subtracted first, so
/// logits of any size give a finite loss. The fused gradient is <c>(softmax(z) - onehot(label)) / N</c>.</para>
/// <para>Targets are class indices: an <see cref="int"/> span, or (through <see cref="ILoss"/>) a tensor of whole
/// numbers of shape <c>[batch]</c> or <c>[batch, 1]</c>, as PyTorch's <c>target</c> of dtype <c>long</c>. Labels that run
/// from 1 to the class count are refused with the hint that they look 1-based.</para>
/// <para>Like a layer, the instance keeps what its backward pass needs and reuses its storage between calls.</para>
/// <para>Logits are not scanned: a NaN logit gives a NaN loss, as in PyTorch; <see cref="Trainer.Fit(Tensor, Tensor, FitOptions?, IProgress{TrainingProgress}?, CancellationToken)"/> stops on it.
/// Infinite logits are not supported either (<c>+∞ - +∞</c> is NaN).</para>
/// </remarks>
public sealed class SoftmaxCrossEntropy : ILoss
{
    /// <summary><see cref="LossTask.MultiClass"/>: logits, class-index targets.</summary>
    public LossTask Task => LossTask.MultiClass;

    private Tensor? _probabilities;
    private Tensor? _logitsGradient;
    private int[] _labels = [];
    private int[] _targetLabels = [];
    private double[] _logSumExp = [];
    private bool _hasForward;

    /// <summary>The softmax probabilities of the last <see cref="Forward(Tensor, ReadOnlySpan{int})"/> call, shape <c>[batch, classes]</c>.</summary>
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
        ClassLabels.Validate(labels, rows, classes, nameof(labels));
        return ForwardChecked(logits, labels);
    }

    /// <summary>
    /// Computes the mean cross-entropy of the batch from a tensor of class indices, PyTorch's form of the targets, and
    /// keeps the probabilities for <see cref="Backward"/>.
    /// </summary>
    /// <param name="predictions">The logits, unnormalised scores of shape <c>[batch, classes]</c>.</param>
    /// <param name="targets">The class of each row as a whole number in <c>[0, classes)</c>, shape <c>[batch]</c> or
    /// <c>[batch, 1]</c>.</param>
    /// <returns>The loss, <c>mean_i (logsumexp(z_i) - z_i[target_i])</c>.</returns>
    /// <exception cref="ArgumentException">The logits are not a non-empty batch, the targets have another shape, or a
    /// target is not a whole number in range (the message hints at 1-based labels). Nothing is changed.</exception>
    public double Forward(Tensor predictions, Tensor targets)
    {
        Guard.Batch(predictions, nameof(SoftmaxCrossEntropy), nameof(predictions));
        int rows = predictions.Shape[0], classes = predictions.Shape[1];
        int[] indices = _targetLabels.Length == rows ? _targetLabels : new int[rows];
        ClassLabels.FromTensor(targets, rows, classes, indices, nameof(SoftmaxCrossEntropy), nameof(targets));
        _targetLabels = indices;
        return ForwardChecked(predictions, indices);
    }

    private double ForwardChecked(Tensor logits, ReadOnlySpan<int> labels)
    {
        int rows = logits.Shape[0], classes = logits.Shape[1];
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
}
