using System.Globalization;
using System.Text;

namespace BatchNormSharp;

/// <summary>
/// Checks that an optimizer updates exactly the parameters of the model it is paired with. An optimizer built over
/// another model's parameters trains nothing: the model's weights never move while its gradients pile up, and the
/// losses still look like training. One that misses some parameters leaves those parameters frozen with gradients that
/// grow every batch (the trainer zeroes gradients through the optimizer).
/// </summary>
internal static class OptimizerCoverage
{
    /// <summary>Throws unless <paramref name="optimizer"/> lists every parameter of <paramref name="model"/> and no other.</summary>
    /// <exception cref="ArgumentException">Parameters of the model are missing from the optimizer, or the optimizer holds
    /// parameters that are not the model's.</exception>
    public static void Require(Layer model, IOptimizer optimizer, string parameterName)
    {
        var modelNames = new Dictionary<Parameter, string>(ReferenceEqualityComparer.Instance);
        foreach (var (name, parameter) in model.NamedParameters())
        {
            modelNames.TryAdd(parameter, name);
        }
        var inOptimizer = new HashSet<Parameter>(optimizer.Parameters, ReferenceEqualityComparer.Instance);

        var foreign = new List<string>();
        for (int i = 0; i < optimizer.Parameters.Count; i++)
        {
            if (!modelNames.ContainsKey(optimizer.Parameters[i]))
            {
                foreign.Add($"optimizer parameter {i.ToString(CultureInfo.InvariantCulture)} ({optimizer.Parameters[i]})");
            }
        }
        var missing = modelNames.Where(pair => !inOptimizer.Contains(pair.Key))
            .Select(pair => $"{pair.Value} {Tensor.FormatShape(pair.Key.Value.Shape)}").ToList();
        if (foreign.Count + missing.Count == 0)
        {
            return;
        }

        var message = new StringBuilder(
            "The optimizer must update exactly the parameters of the model it trains, but it does not " +
            $"({optimizer.Parameters.Count.ToString(CultureInfo.InvariantCulture)} optimizer parameters, " +
            $"{modelNames.Count.ToString(CultureInfo.InvariantCulture)} model parameters):");
        StateEntries.AppendList(message, "Not parameters of the model", foreign);
        StateEntries.AppendList(message, "Model parameters the optimizer does not update", missing);
        message.Append("\n  Build the optimizer over this model: new SgdMomentum(model.Parameters, ...).");
        throw new ArgumentException(message.ToString(), parameterName);
    }
}
