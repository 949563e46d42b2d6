using BatchNormSharp.Kernels;

namespace BatchNormSharp.Functions;

/// <summary>
/// The arithmetic of one LSTM layer, equal to <c>torch.nn.LSTM</c>'s: stateless functions over row-major spans, with
/// the per-step cache (<see cref="LstmStepCache"/>) owned by the caller.
/// </summary>
/// <remarks>
/// <para>Gate order and equations are torch's (H hidden units, rows are the sequences of the batch):</para>
/// <code>
/// z   = x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh          [batch, 4H], blocks i, f, g, o
/// i, f, o = σ(z_i), σ(z_f), σ(z_o);  g = tanh(z_g)
/// c_t = f ⊙ c_{t-1} + i ⊙ g;  h_t = o ⊙ tanh(c_t)
/// </code>
/// <para>Parameters are laid out as torch's state dict: <c>weight_ih</c> <c>[4H, I]</c>, <c>weight_hh</c>
/// <c>[4H, H]</c>, <c>bias_ih</c> and <c>bias_hh</c> <c>[4H]</c>.</para>
/// <para>The work is split so that the products that do not depend on the recurrence run once for a whole sequence
/// (with T·batch rows instead of batch): <see cref="ProjectInputs"/> before the time loop,
/// <see cref="AccumulateParameterGradients"/> and <see cref="InputGradient"/> after the backward loop. Only
/// <c>h_{t-1} W_hh^T</c> and <c>dz W_hh</c> remain inside the loops. For a single step, call them with
/// <c>rows = batch</c>.</para>
/// </remarks>
internal static class LstmFunctions
{
    /// <summary>
    /// The input part of the gate pre-activations for many rows at once:
    /// <c>destination[r] = inputs[r] W_ih^T + b_ih + b_hh</c>.
    /// </summary>
    /// <param name="rows">The rows to project (batch, or time × batch for a whole sequence).</param>
    /// <param name="inputSize">The input features I.</param>
    /// <param name="hidden">The hidden size H.</param>
    /// <param name="inputs">The inputs <c>[rows, I]</c>.</param>
    /// <param name="weightIh"><c>weight_ih</c>, <c>[4H, I]</c>.</param>
    /// <param name="biasIh"><c>bias_ih</c>, <c>[4H]</c>.</param>
    /// <param name="biasHh"><c>bias_hh</c>, <c>[4H]</c>.</param>
    /// <param name="destination">The projections <c>[rows, 4H]</c>, overwritten.</param>
    public static void ProjectInputs(
        int rows, int inputSize, int hidden,
        ReadOnlySpan<double> inputs, ReadOnlySpan<double> weightIh,
        ReadOnlySpan<double> biasIh, ReadOnlySpan<double> biasHh, Span<double> destination)
    {
        int gates = 4 * hidden;
        Gemm.Multiply(rows, gates, inputSize, inputs, false, weightIh, true, false, destination);
        biasIh = biasIh[..gates];
        biasHh = biasHh[..gates];
        for (int r = 0; r < rows; r++)
        {
            Span<double> row = destination.Slice(r * gates, gates);
            for (int j = 0; j < row.Length; j++)
            {
                row[j] += biasIh[j] + biasHh[j];
            }
        }
    }

    /// <summary>
    /// The forward pass of one time step: adds <c>h_{t-1} W_hh^T</c> to the projected inputs, applies the gates and
    /// writes <c>h_t</c> and <c>c_t</c>; keeps the gates and <c>tanh(c_t)</c> in <paramref name="cache"/>.
    /// </summary>
    /// <param name="batch">The number of sequences.</param>
    /// <param name="hidden">The hidden size H.</param>
    /// <param name="projectedInputs">This step's <see cref="ProjectInputs"/> result, <c>[batch, 4H]</c>.</param>
    /// <param name="hiddenPrevious"><c>h_{t-1}</c>, <c>[batch, H]</c>.</param>
    /// <param name="cellPrevious"><c>c_{t-1}</c>, <c>[batch, H]</c>.</param>
    /// <param name="weightHh"><c>weight_hh</c>, <c>[4H, H]</c>.</param>
    /// <param name="cache">This step's cache; sized here for <paramref name="batch"/>.</param>
    /// <param name="hiddenState"><c>h_t</c>, <c>[batch, H]</c>, written.</param>
    /// <param name="cellState"><c>c_t</c>, <c>[batch, H]</c>, written.</param>
    public static void ForwardStep(
        int batch, int hidden,
        ReadOnlySpan<double> projectedInputs, ReadOnlySpan<double> hiddenPrevious, ReadOnlySpan<double> cellPrevious,
        ReadOnlySpan<double> weightHh, LstmStepCache cache, Span<double> hiddenState, Span<double> cellState)
    {
        int gates = 4 * hidden;
        cache.Prepare(batch);
        Span<double> z = cache.Gates;
        Gemm.Multiply(batch, gates, hidden, hiddenPrevious, false, weightHh, true, false, z);
        Span<double> tanhCell = cache.TanhCell;
        for (int b = 0; b < batch; b++)
        {
            Span<double> row = z.Slice(b * gates, gates);
            ReadOnlySpan<double> projected = projectedInputs.Slice(b * gates, gates);
            for (int j = 0; j < gates; j++)
            {
                row[j] += projected[j];
            }
            Span<double> i = row[..hidden], f = row.Slice(hidden, hidden);
            Span<double> g = row.Slice(2 * hidden, hidden), o = row.Slice(3 * hidden, hidden);
            ReadOnlySpan<double> cPrev = cellPrevious.Slice(b * hidden, hidden);
            Span<double> c = cellState.Slice(b * hidden, hidden), h = hiddenState.Slice(b * hidden, hidden);
            Span<double> tc = tanhCell.Slice(b * hidden, hidden);
            for (int u = 0; u < hidden; u++)
            {
                double ig = Sigmoid(i[u]), fg = Sigmoid(f[u]), gg = Math.Tanh(g[u]), og = Sigmoid(o[u]);
                i[u] = ig;
                f[u] = fg;
                g[u] = gg;
                o[u] = og;
                double cell = fg * cPrev[u] + ig * gg;
                c[u] = cell;
                double t = Math.Tanh(cell);
                tc[u] = t;
                h[u] = og * t;
            }
        }
    }

    /// <summary>
    /// The backward pass of one time step (backpropagation through time): from <c>dL/dh_t</c> and <c>dL/dc_t</c>,
    /// the gradient of the gate pre-activations <c>dz</c>, <c>dL/dh_{t-1}</c> and <c>dL/dc_{t-1}</c>.
    /// </summary>
    /// <param name="batch">The number of sequences.</param>
    /// <param name="hidden">The hidden size H.</param>
    /// <param name="outputGradient">The gradient of <c>h_t</c> from above (the layer's output), <c>[batch, H]</c>.</param>
    /// <param name="recurrentGradient">The gradient of <c>h_t</c> from step t + 1 (or of <c>h_n</c>), <c>[batch, H]</c>;
    /// added to <paramref name="outputGradient"/>. Must not overlap <paramref name="hiddenPreviousGradient"/>.</param>
    /// <param name="cellGradient">In: <c>dL/dc_t</c> from step t + 1 (or of <c>c_n</c>). Out: <c>dL/dc_{t-1}</c>.</param>
    /// <param name="cellPrevious"><c>c_{t-1}</c>, <c>[batch, H]</c>.</param>
    /// <param name="weightHh"><c>weight_hh</c>, <c>[4H, H]</c>.</param>
    /// <param name="cache">The cache <see cref="ForwardStep"/> filled for this step.</param>
    /// <param name="gateGradients"><c>dz</c>, <c>[batch, 4H]</c>, written: the input of
    /// <see cref="AccumulateParameterGradients"/> and <see cref="InputGradient"/>.</param>
    /// <param name="hiddenPreviousGradient"><c>dL/dh_{t-1}</c> through this step, <c>[batch, H]</c>, written.</param>
    public static void BackwardStep(
        int batch, int hidden,
        ReadOnlySpan<double> outputGradient, ReadOnlySpan<double> recurrentGradient, Span<double> cellGradient,
        ReadOnlySpan<double> cellPrevious, ReadOnlySpan<double> weightHh, LstmStepCache cache,
        Span<double> gateGradients, Span<double> hiddenPreviousGradient)
    {
        if (cache.Batch != batch)
        {
            throw new InvalidOperationException(
                $"LstmFunctions.BackwardStep: the cache holds a forward pass of {cache.Batch} sequences, not {batch}; run ForwardStep on this batch first.");
        }
        int gates = 4 * hidden;
        ReadOnlySpan<double> z = cache.Gates;
        ReadOnlySpan<double> tanhCell = cache.TanhCell;
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<double> row = z.Slice(b * gates, gates);
            Span<double> dz = gateGradients.Slice(b * gates, gates);
            int o0 = b * hidden;
            for (int u = 0; u < hidden; u++)
            {
                double ig = row[u], fg = row[hidden + u], gg = row[2 * hidden + u], og = row[3 * hidden + u];
                double t = tanhCell[o0 + u];
                double dh = outputGradient[o0 + u] + recurrentGradient[o0 + u];
                double dc = cellGradient[o0 + u] + dh * og * (1.0 - t * t);
                dz[u] = dc * gg * ig * (1.0 - ig);
                dz[hidden + u] = dc * cellPrevious[o0 + u] * fg * (1.0 - fg);
                dz[2 * hidden + u] = dc * ig * (1.0 - gg * gg);
                dz[3 * hidden + u] = dh * t * og * (1.0 - og);
                cellGradient[o0 + u] = dc * fg;
            }
        }
        Gemm.Multiply(batch, hidden, gates, gateGradients, false, weightHh, false, false, hiddenPreviousGradient);
    }

    /// <summary>
    /// Adds the parameter gradients of many rows of <c>dz</c> at once: <c>dW_ih += dz^T x</c>,
    /// <c>dW_hh += dz^T h_prev</c>, <c>db_ih += Σ dz</c>, <c>db_hh += Σ dz</c>.
    /// </summary>
    /// <param name="rows">The rows (batch for one step, time × batch for a sequence).</param>
    /// <param name="inputSize">The input features I.</param>
    /// <param name="hidden">The hidden size H.</param>
    /// <param name="gateGradients"><c>dz</c>, <c>[rows, 4H]</c>.</param>
    /// <param name="inputs">The inputs x of the same rows, <c>[rows, I]</c>.</param>
    /// <param name="hiddenPrevious">The h_{t-1} of the same rows, <c>[rows, H]</c>.</param>
    /// <param name="weightIhGradient">Adds to <c>dW_ih</c>, <c>[4H, I]</c>.</param>
    /// <param name="weightHhGradient">Adds to <c>dW_hh</c>, <c>[4H, H]</c>.</param>
    /// <param name="biasIhGradient">Adds to <c>db_ih</c>, <c>[4H]</c>.</param>
    /// <param name="biasHhGradient">Adds to <c>db_hh</c>, <c>[4H]</c>.</param>
    public static void AccumulateParameterGradients(
        int rows, int inputSize, int hidden,
        ReadOnlySpan<double> gateGradients, ReadOnlySpan<double> inputs, ReadOnlySpan<double> hiddenPrevious,
        Span<double> weightIhGradient, Span<double> weightHhGradient,
        Span<double> biasIhGradient, Span<double> biasHhGradient)
    {
        int gates = 4 * hidden;
        Gemm.Multiply(gates, inputSize, rows, gateGradients, true, inputs, false, true, weightIhGradient);
        Gemm.Multiply(gates, hidden, rows, gateGradients, true, hiddenPrevious, false, true, weightHhGradient);
        // Both biases enter z the same way, so they receive the same gradient.
        Elementwise.AddRowsInPlace(gateGradients[..(rows * gates)], rows, gates, biasIhGradient);
        Elementwise.AddRowsInPlace(gateGradients[..(rows * gates)], rows, gates, biasHhGradient);
    }

    /// <summary>The gradient of the inputs of many rows: <c>dx = dz W_ih</c>, overwritten.</summary>
    /// <param name="rows">The rows (batch for one step, time × batch for a sequence).</param>
    /// <param name="inputSize">The input features I.</param>
    /// <param name="hidden">The hidden size H.</param>
    /// <param name="gateGradients"><c>dz</c>, <c>[rows, 4H]</c>.</param>
    /// <param name="weightIh"><c>weight_ih</c>, <c>[4H, I]</c>.</param>
    /// <param name="inputGradient"><c>dx</c>, <c>[rows, I]</c>, written.</param>
    public static void InputGradient(
        int rows, int inputSize, int hidden,
        ReadOnlySpan<double> gateGradients, ReadOnlySpan<double> weightIh, Span<double> inputGradient) =>
        Gemm.Multiply(rows, inputSize, 4 * hidden, gateGradients, false, weightIh, false, false, inputGradient);

    private static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));
}
