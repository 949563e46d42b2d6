using System.Globalization;

namespace BatchNormSharp.Kernels;

/// <summary>
/// Length checks at the entry of the kernels that read through unchecked references: real checks (not
/// <c>Debug.Assert</c>, which Release builds drop), O(1) per call, so that a caller's mistake is an exception and never
/// a read or write past an array.
/// </summary>
internal static class SpanChecks
{
    /// <summary>Throws unless <paramref name="length"/> is at least <paramref name="required"/>.</summary>
    /// <exception cref="ArgumentException">The span is shorter than the kernel would read or write.</exception>
    public static void AtLeast(int length, long required, string kernel, string span)
    {
        if (required < 0 || length < required)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{kernel}: {span} must hold at least {required} values, but holds {length}."), span);
        }
    }
}
