namespace BatchNormSharp;

/// <summary>What <see cref="StateDictExtensions.LoadStateDict"/> could not match: PyTorch's
/// <c>(missing_keys, unexpected_keys)</c>.</summary>
/// <param name="MissingKeys">Names of the model's parameters and buffers that the state dictionary lacks (left as
/// they were).</param>
/// <param name="UnexpectedKeys">Names in the state dictionary that the model does not have (ignored).</param>
public sealed record StateDictLoadResult(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys)
{
    /// <summary>Whether every name matched: always after a strict load.</summary>
    public bool AllMatched => MissingKeys.Count == 0 && UnexpectedKeys.Count == 0;
}
