using BatchNormSharp.Kernels;

namespace BatchNormSharp;

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
        Elementwise.AddInPlace(projectedInputs[..(batch * gates)], z);
        ActivateGates(batch, hidden, z);
        CellForward(batch, hidden, z, cellPrevious, cellState);
        HiddenForward(batch, hidden, z, cellState, cache.TanhCell, hiddenState);
    }

    /// <summary>
    /// Applies the gate non-linearities in place to pre-activations <c>[batch, 4H]</c>: σ on the i, f and o blocks,
    /// tanh on the g block.
    /// </summary>
    /// <param name="batch">The number of sequences.</param>
    /// <param name="hidden">The hidden size H.</param>
    /// <param name="gates">In: the pre-activations z. Out: i, f, g, o.</param>
    public static void ActivateGates(int batch, int hidden, Span<double> gates)
    {
        int width = 4 * hidden;
        for (int b = 0; b < batch; b++)
        {
            // Blocks i and f, then o, are sigmoids (vectorised); block g is the tanh gate.
            Span<double> row = gates.Slice(b * width, width);
            Span<double> inputAndForget = row[..(2 * hidden)], cell = row.Slice(2 * hidden, hidden);
            Span<double> output = row[(3 * hidden)..];
            ActivationFunctions.Sigmoid(inputAndForget, inputAndForget);
            ActivationFunctions.Tanh(cell, cell);
            ActivationFunctions.Sigmoid(output, output);
        }
    }

    /// <summary>The new cell state: <c>c_t = f ⊙ c_{t-1} + i ⊙ g</c>.</summary>
    /// <param name="batch">The number of sequences.</param>
    /// <param name="hidden">The hidden size H.</param>
    /// <param name="gates">The activated gates i, f, g, o, <c>[batch, 4H]</c>.</param>
    /// <param name="cellPrevious"><c>c_{t-1}</c>, <c>[batch, H]</c>.</param>
    /// <param name="cellState"><c>c_t</c>, <c>[batch, H]</c>, written.</param>
    public static void CellForward(
        int batch, int hidden, ReadOnlySpan<double> gates, ReadOnlySpan<double> cellPrevious, Span<double> cellState)
    {
        int width = 4 * hidden;
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<double> row = gates.Slice(b * width, width);
            int o0 = b * hidden;
            for (int u = 0; u < hidden; u++)
            {
                cellState[o0 + u] = row[hidden + u] * cellPrevious[o0 + u] + row[u] * row[2 * hidden + u];
            }
        }
    }

    /// <summary>
    /// The new hidden state <c>h_t = o ⊙ tanh(v)</c>, where v is <c>c_t</c> (the LSTM) or a normalised <c>c_t</c>
    /// (Cooijmans et al.'s cell); keeps <c>tanh(v)</c> for the backward pass.
    /// </summary>
    /// <param name="batch">The number of sequences.</param>
    /// <param name="hidden">The hidden size H.</param>
    /// <param name="gates">The activated gates i, f, g, o, <c>[batch, 4H]</c>.</param>
    /// <param name="cellInput">v, <c>[batch, H]</c>.</param>
    /// <param name="tanhCell"><c>tanh(v)</c>, <c>[batch, H]</c>, written.</param>
    /// <param name="hiddenState"><c>h_t</c>, <c>[batch, H]</c>, written.</param>
    public static void HiddenForward(
        int batch, int hidden, ReadOnlySpan<double> gates, ReadOnlySpan<double> cellInput,
        Span<double> tanhCell, Span<double> hiddenState)
    {
        int width = 4 * hidden;
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<double> o = gates.Slice(b * width + 3 * hidden, hidden);
            int o0 = b * hidden;
            for (int u = 0; u < hidden; u++)
            {
                double t = Math.Tanh(cellInput[o0 + u]);
                tanhCell[o0 + u] = t;
                hiddenState[o0 + u] = o[u] * t;
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
        HiddenBackward(batch, hidden, outputGradient, recurrentGradient, cache.Gates, cache.TanhCell,
            gateGradients, cellGradient);
        CellBackward(batch, hidden, cellGradient, cellPrevious, cache.Gates, gateGradients);
        Gemm.Multiply(batch, hidden, gates, gateGradients, false, weightHh, false, false, hiddenPreviousGradient);
    }

    /// <summary>
    /// Back through <c>h_t = o ⊙ tanh(v)</c>: writes the o block of <c>dz</c> and ADDS <c>dL/dv</c> to
    /// <paramref name="cellInputGradient"/> (for the LSTM, v = c_t, so that it lands on the dc_t from step t + 1).
    /// </summary>
    /// <param name="batch">The number of sequences.</param>
    /// <param name="hidden">The hidden size H.</param>
    /// <param name="outputGradient">The gradient of <c>h_t</c> from above, <c>[batch, H]</c>.</param>
    /// <param name="recurrentGradient">The gradient of <c>h_t</c> from step t + 1, <c>[batch, H]</c>; added.</param>
    /// <param name="gates">The activated gates of the step.</param>
    /// <param name="tanhCell"><c>tanh(v)</c> of the step.</param>
    /// <param name="gateGradients"><c>dz</c>, <c>[batch, 4H]</c>: its o block is written.</param>
    /// <param name="cellInputGradient"><c>dL/dv</c> is added here, <c>[batch, H]</c>.</param>
    public static void HiddenBackward(
        int batch, int hidden, ReadOnlySpan<double> outputGradient, ReadOnlySpan<double> recurrentGradient,
        ReadOnlySpan<double> gates, ReadOnlySpan<double> tanhCell, Span<double> gateGradients,
        Span<double> cellInputGradient)
    {
        int width = 4 * hidden;
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<double> o = gates.Slice(b * width + 3 * hidden, hidden);
            Span<double> dzo = gateGradients.Slice(b * width + 3 * hidden, hidden);
            int o0 = b * hidden;
            for (int u = 0; u < hidden; u++)
            {
                double t = tanhCell[o0 + u], og = o[u];
                double dh = outputGradient[o0 + u] + recurrentGradient[o0 + u];
                dzo[u] = dh * t * og * (1.0 - og);
                cellInputGradient[o0 + u] += dh * og * (1.0 - t * t);
            }
        }
    }

    /// <summary>
    /// Back through <c>c_t = f ⊙ c_{t-1} + i ⊙ g</c> and the gate non-linearities: from the total <c>dL/dc_t</c>, writes
    /// the i, f and g blocks of <c>dz</c> and replaces the cell gradient by <c>dL/dc_{t-1} = dc ⊙ f</c>.
    /// </summary>
    /// <param name="batch">The number of sequences.</param>
    /// <param name="hidden">The hidden size H.</param>
    /// <param name="cellGradient">In: the total <c>dL/dc_t</c>. Out: <c>dL/dc_{t-1}</c>.</param>
    /// <param name="cellPrevious"><c>c_{t-1}</c>, <c>[batch, H]</c>.</param>
    /// <param name="gates">The activated gates of the step.</param>
    /// <param name="gateGradients"><c>dz</c>, <c>[batch, 4H]</c>: its i, f and g blocks are written.</param>
    public static void CellBackward(
        int batch, int hidden, Span<double> cellGradient, ReadOnlySpan<double> cellPrevious,
        ReadOnlySpan<double> gates, Span<double> gateGradients)
    {
        int width = 4 * hidden;
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<double> row = gates.Slice(b * width, width);
            Span<double> dz = gateGradients.Slice(b * width, width);
            int o0 = b * hidden;
            for (int u = 0; u < hidden; u++)
            {
                double ig = row[u], fg = row[hidden + u], gg = row[2 * hidden + u];
                double dc = cellGradient[o0 + u];
                dz[u] = dc * gg * ig * (1.0 - ig);
                dz[hidden + u] = dc * cellPrevious[o0 + u] * fg * (1.0 - fg);
                dz[2 * hidden + u] = dc * ig * (1.0 - gg * gg);
                cellGradient[o0 + u] = dc * fg;
            }
        }
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
        AccumulateWeightGradient(rows, inputSize, hidden, gateGradients, inputs, weightIhGradient);
        AccumulateWeightGradient(rows, hidden, hidden, gateGradients, hiddenPrevious, weightHhGradient);
        // Both biases enter z the same way, so they receive the same gradient.
        Elementwise.AddRowsInPlace(gateGradients[..(rows * gates)], rows, gates, biasIhGradient);
        Elementwise.AddRowsInPlace(gateGradients[..(rows * gates)], rows, gates, biasHhGradient);
    }

    /// <summary>
    /// Adds the gradient of a <c>[4H, F]</c> weight that multiplies rows of F features into the gates:
    /// <c>dW += dz^T v</c>.
    /// </summary>
    /// <param name="rows">The rows (batch for one step, time × batch for a sequence).</param>
    /// <param name="features">F: the columns of the weight, the features of <paramref name="inputs"/>.</param>
    /// <param name="hidden">The hidden size H.</param>
    /// <param name="gateGradients"><c>dz</c>, <c>[rows, 4H]</c>.</param>
    /// <param name="inputs">The rows v the weight multiplied, <c>[rows, F]</c>.</param>
    /// <param name="weightGradient">Adds to <c>dW</c>, <c>[4H, F]</c>.</param>
    public static void AccumulateWeightGradient(
        int rows, int features, int hidden,
        ReadOnlySpan<double> gateGradients, ReadOnlySpan<double> inputs, Span<double> weightGradient) =>
        Gemm.Multiply(4 * hidden, features, rows, gateGradients, true, inputs, false, true, weightGradient);

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
}
