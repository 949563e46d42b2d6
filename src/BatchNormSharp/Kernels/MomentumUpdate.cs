using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace BatchNormSharp.Kernels;

/// <summary>
/// The element-wise update of SGD with momentum, PyTorch's <c>torch.optim.SGD</c> with dampening 0:
/// <c>g = ∇p + decay · p</c>; <c>v = μ · v + g</c>; <c>p -= lr · v</c>, or <c>p -= lr · (g + μ · v)</c> with
/// Nesterov. Vectorised; a lane does exactly what the scalar tail does.
/// </summary>
internal static class MomentumUpdate
{
    /// <summary>Updates <paramref name="value"/> and <paramref name="velocity"/> in place from <paramref name="gradient"/>.</summary>
    public static void Apply(
        Span<double> value, ReadOnlySpan<double> gradient, Span<double> velocity,
        double learningRate, double momentum, double weightDecay, bool nesterov)
    {
        SpanChecks.AtLeast(gradient.Length, value.Length, nameof(MomentumUpdate), nameof(gradient));
        SpanChecks.AtLeast(velocity.Length, value.Length, nameof(MomentumUpdate), nameof(velocity));
        ref double p = ref MemoryMarshal.GetReference(value);
        ref double dp = ref MemoryMarshal.GetReference(gradient);
        ref double v = ref MemoryMarshal.GetReference(velocity);
        var lr = Vector512.Create(learningRate);
        var mu = Vector512.Create(momentum);
        var decay = Vector512.Create(weightDecay);
        int n = value.Length, i = 0;
        for (; i <= n - Vector512<double>.Count; i += Vector512<double>.Count)
        {
            nuint k = (nuint)i;
            var pk = Vector512.LoadUnsafe(ref p, k);
            var g = Vector512.LoadUnsafe(ref dp, k) + (decay * pk);
            var vk = (mu * Vector512.LoadUnsafe(ref v, k)) + g;
            vk.StoreUnsafe(ref v, k);
            (pk - (lr * (nesterov ? g + (mu * vk) : vk))).StoreUnsafe(ref p, k);
        }
        for (; i < n; i++)
        {
            double pk = Unsafe.Add(ref p, i);
            double g = Unsafe.Add(ref dp, i) + (weightDecay * pk);
            double vk = (momentum * Unsafe.Add(ref v, i)) + g;
            Unsafe.Add(ref v, i) = vk;
            Unsafe.Add(ref p, i) = pk - (learningRate * (nesterov ? g + (momentum * vk) : vk));
        }
    }
}
