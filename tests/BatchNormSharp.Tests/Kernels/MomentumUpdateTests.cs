using BatchNormSharp.Kernels;

namespace BatchNormSharp.Tests.Kernels;

public class MomentumUpdateTests
{
    [Theory]
    [InlineData(1, false, 0.0)]
    [InlineData(8, false, 0.0)]
    [InlineData(19, false, 0.01)]
    [InlineData(19, true, 0.01)]
    public void Apply_AnyLength_EqualsScalarFormulaBitForBit(int length, bool nesterov, double decay)
    {
        var random = new Random(length);
        double[] value = Values(length, random), gradient = Values(length, random), velocity = Values(length, random);
        double[] expectedValue = (double[])value.Clone(), expectedVelocity = (double[])velocity.Clone();
        const double lr = 0.1, mu = 0.9;
        for (int k = 0; k < length; k++)
        {
            double g = gradient[k] + (decay * expectedValue[k]);
            double v = (mu * expectedVelocity[k]) + g;
            expectedVelocity[k] = v;
            expectedValue[k] -= lr * (nesterov ? g + (mu * v) : v);
        }

        MomentumUpdate.Apply(value, gradient, velocity, lr, mu, decay, nesterov);

        value.Should().Equal(expectedValue);
        velocity.Should().Equal(expectedVelocity);
    }

    private static double[] Values(int length, Random random) =>
        Enumerable.Range(0, length).Select(_ => (2 * random.NextDouble()) - 1).ToArray();
}
