using System.Globalization;

namespace BatchNormSharp.Tests;

/// <summary>
/// A <see cref="BnLstmSequence"/> with its weights and <see cref="StepBatchNorm"/>s, and the mapping of each to the
/// state-dict names of the PyTorch references (docs/lstm.md §2).
/// </summary>
internal sealed class BnLstmHarness
{
    public BnLstmHarness(BnLstmVariant variant, int inputSize, int hidden, int maxLength)
    {
        Variant = variant;
        InputSize = inputSize;
        Hidden = hidden;
        Norms = variant == BnLstmVariant.SharedGateStatistics
            ? [new StepBatchNorm(4 * hidden, 1)]
            :
            [
                new StepBatchNorm(4 * hidden, maxLength, gamma: 0.1, hasBeta: false),
                new StepBatchNorm(4 * hidden, maxLength, gamma: 0.1, hasBeta: false),
                new StepBatchNorm(hidden, maxLength, gamma: 0.1, hasBeta: true),
            ];
        Sequence = new BnLstmSequence(inputSize, hidden, variant, Norms);
        Parameters = new BnLstmParameters(inputSize, hidden);
    }

    public BnLstmVariant Variant { get; }
    public int InputSize { get; }
    public int Hidden { get; }
    public StepBatchNorm[] Norms { get; }
    public BnLstmSequence Sequence { get; }
    public BnLstmParameters Parameters { get; }

    /// <summary>Every trainable tensor with its reference name, its value and its gradient.</summary>
    public IEnumerable<(string Name, Memory<double> Value, Memory<double> Gradient)> NamedParameters()
    {
        yield return ("weight_ih", Parameters.WeightIh, Parameters.WeightIhGradient);
        yield return ("weight_hh", Parameters.WeightHh, Parameters.WeightHhGradient);
        yield return ("bias", Parameters.Bias, Parameters.BiasGradient);
        if (Variant == BnLstmVariant.SharedGateStatistics)
        {
            // The four gates' BatchNorm1d(H) are one normalisation of 4H features, block k = gate k.
            var n = Norms[0];
            for (int k = 0; k < 4; k++)
            {
                string p = string.Create(CultureInfo.InvariantCulture, $"bn_gates.{k}.");
                yield return (p + "weight", n.Gamma.Slice(k * Hidden, Hidden), n.GammaGradient.Slice(k * Hidden, Hidden));
                yield return (p + "bias", n.Beta.Slice(k * Hidden, Hidden), n.BetaGradient.Slice(k * Hidden, Hidden));
            }
        }
        else
        {
            yield return ("bn_ih.weight", Norms[0].Gamma, Norms[0].GammaGradient);
            yield return ("bn_hh.weight", Norms[1].Gamma, Norms[1].GammaGradient);
            yield return ("bn_c.weight", Norms[2].Gamma, Norms[2].GammaGradient);
            yield return ("bn_c.bias", Norms[2].Beta, Norms[2].BetaGradient);
        }
    }

    /// <summary>Every running statistic with its reference name (num_batches_tracked as a one-element array).</summary>
    public IEnumerable<(string Name, double[] Value)> NamedBuffers()
    {
        if (Variant == BnLstmVariant.SharedGateStatistics)
        {
            var n = Norms[0];
            for (int k = 0; k < 4; k++)
            {
                string p = string.Create(CultureInfo.InvariantCulture, $"bn_gates.{k}.");
                yield return (p + "running_mean", n.RunningMean(0).Span.Slice(k * Hidden, Hidden).ToArray());
                yield return (p + "running_var", n.RunningVar(0).Span.Slice(k * Hidden, Hidden).ToArray());
                yield return (p + "num_batches_tracked", [n.NumBatchesTracked(0)]);
            }
            yield break;
        }
        string[] sites = ["bn_ih", "bn_hh", "bn_c"];
        for (int s = 0; s < 3; s++)
        {
            for (int t = 0; t < Norms[s].Slots; t++)
            {
                string p = string.Create(CultureInfo.InvariantCulture, $"{sites[s]}.{t}.");
                yield return (p + "running_mean", Norms[s].RunningMean(t).ToArray());
                yield return (p + "running_var", Norms[s].RunningVar(t).ToArray());
                yield return (p + "num_batches_tracked", [Norms[s].NumBatchesTracked(t)]);
            }
        }
    }

    public void ZeroGradients()
    {
        Parameters.ZeroGradients();
        foreach (var n in Norms)
        {
            n.ZeroGradients();
        }
    }
}
