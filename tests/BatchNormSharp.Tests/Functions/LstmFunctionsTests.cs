
namespace BatchNormSharp.Tests.Functions;

/// <summary>The step functions used alone (one time step, <c>rows = batch</c>), as a layer without the driver would.</summary>
public class LstmFunctionsTests
{
    private const int Batch = 3, Input = 2, Hidden = 4, Gates = 4 * Hidden;

    [Fact]
    public void ForwardStep_OneStep_FollowsTorchEquations()
    {
        var (wih, whh, bih, bhh) = Parameters();
        double[] x = Values(Batch * Input, 11), h0 = Values(Batch * Hidden, 12), c0 = Values(Batch * Hidden, 13);
        double[] projected = new double[Batch * Gates], h = new double[Batch * Hidden], c = new double[Batch * Hidden];
        var cache = new LstmStepCache(Hidden);

        LstmFunctions.ProjectInputs(Batch, Input, Hidden, x, wih, bih, bhh, projected);
        LstmFunctions.ForwardStep(Batch, Hidden, projected, h0, c0, whh, cache, h, c);

        for (int b = 0; b < Batch; b++)
        {
            for (int u = 0; u < Hidden; u++)
            {
                double Z(int gate)
                {
                    int row = gate * Hidden + u;
                    double z = bih[row] + bhh[row];
                    for (int k = 0; k < Input; k++) { z += x[b * Input + k] * wih[row * Input + k]; }
                    for (int k = 0; k < Hidden; k++) { z += h0[b * Hidden + k] * whh[row * Hidden + k]; }
                    return z;
                }
                double i = Sigmoid(Z(0)), f = Sigmoid(Z(1)), g = Math.Tanh(Z(2)), o = Sigmoid(Z(3));
                double expectedC = f * c0[b * Hidden + u] + i * g;
                c[b * Hidden + u].Should().BeApproximately(expectedC, 1e-14);
                h[b * Hidden + u].Should().BeApproximately(o * Math.Tanh(expectedC), 1e-14);
            }
        }
    }

    [Fact]
    public void BackwardStep_OneStep_EqualsTheSequenceDriver()
    {
        var (wih, whh, bih, bhh) = Parameters();
        double[] x = Values(Batch * Input, 21), h0 = Values(Batch * Hidden, 22), c0 = Values(Batch * Hidden, 23);
        double[] dy = Values(Batch * Hidden, 24), dhN = Values(Batch * Hidden, 25), dcN = Values(Batch * Hidden, 26);
        var harness = new LstmHarness(Batch, 1, Input, Hidden, 1);
        wih.CopyTo(harness.Parameters[0].WeightIh);
        whh.CopyTo(harness.Parameters[0].WeightHh);
        bih.CopyTo(harness.Parameters[0].BiasIh);
        bhh.CopyTo(harness.Parameters[0].BiasHh);
        harness.Differentiate(x, h0, c0, dy, dhN, dcN);

        var cache = new LstmStepCache(Hidden);
        double[] projected = new double[Batch * Gates], h = new double[Batch * Hidden], c = new double[Batch * Hidden];
        LstmFunctions.ProjectInputs(Batch, Input, Hidden, x, wih, bih, bhh, projected);
        LstmFunctions.ForwardStep(Batch, Hidden, projected, h0, c0, whh, cache, h, c);
        double[] dc = (double[])dcN.Clone(), dz = new double[Batch * Gates], dh0 = new double[Batch * Hidden];
        double[] dx = new double[Batch * Input], dwih = new double[Gates * Input], dwhh = new double[Gates * Hidden];
        double[] dbih = new double[Gates], dbhh = new double[Gates];
        LstmFunctions.BackwardStep(Batch, Hidden, dy, dhN, dc, c0, whh, cache, dz, dh0);
        LstmFunctions.AccumulateParameterGradients(Batch, Input, Hidden, dz, x, h0, dwih, dwhh, dbih, dbhh);
        LstmFunctions.InputGradient(Batch, Input, Hidden, dz, wih, dx);

        h.Should().Equal(harness.Output);
        dx.Should().Equal(harness.InputGradient);
        dh0.Should().Equal(harness.InitialHiddenGradient);
        dc.Should().Equal(harness.InitialCellGradient);
        dwih.Should().Equal(harness.Parameters[0].WeightIhGradient.ToArray());
        dwhh.Should().Equal(harness.Parameters[0].WeightHhGradient.ToArray());
        dbih.Should().Equal(dbhh);
    }

    [Fact]
    public void BackwardStep_CacheOfAnotherBatch_ThrowsInvalidOperation()
    {
        var (_, whh, _, _) = Parameters();
        var cache = new LstmStepCache(Hidden);
        cache.Prepare(Batch + 1);

        var act = () => LstmFunctions.BackwardStep(Batch, Hidden, new double[Batch * Hidden], new double[Batch * Hidden],
            new double[Batch * Hidden], new double[Batch * Hidden], whh, cache, new double[Batch * Gates], new double[Batch * Hidden]);

        act.Should().Throw<InvalidOperationException>().WithMessage("*run ForwardStep on this batch first*");
    }

    private static (double[] Wih, double[] Whh, double[] Bih, double[] Bhh) Parameters()
    {
        var random = new Random(3);
        double[] wih = new double[Gates * Input], whh = new double[Gates * Hidden], bih = new double[Gates], bhh = new double[Gates];
        LstmInit.PyTorchDefault(Hidden, random, wih, whh, bih, bhh);
        return (wih, whh, bih, bhh);
    }

    private static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

    private static double[] Values(int length, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, length).Select(_ => 2.0 * random.NextDouble() - 1.0)];
    }
}
