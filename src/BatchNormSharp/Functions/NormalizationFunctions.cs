using System.Buffers;
using System.Globalization;

namespace BatchNormSharp;

/// <summary>
/// The stateless arithmetic of an input standardiser that keeps its statistics as buffers (Keras's
/// <c>keras.layers.Normalization</c>): <see cref="Adapt"/> learns a mean and a variance per column from training rows,
/// <see cref="Forward"/> applies <c>(x - mean) / max(√variance, ε)</c>, <see cref="Backward"/> passes a gradient back
/// through that affine map, and <see cref="Invert"/> undoes it (Keras's <c>invert=True</c>).
/// </summary>
/// <remarks>
/// <para><b>Keras's conventions, checked in its source (<c>keras/src/layers/preprocessing/normalization.py</c>).</b>
/// <c>adapt</c> on an array computes <c>np.var</c>, the <i>biased</i> variance (divide by N, <c>ddof=0</c>); batched
/// data sets are merged to the same biased value. The forward pass divides by <c>maximum(sqrt(variance),
/// backend.epsilon())</c> with <c>epsilon() = 1e-7</c>: ε is a floor under the standard deviation, not a term added
/// inside the root as in BatchNorm, so a column with a usable spread is scaled by exactly 1/σ and a constant column
/// (σ = 0) becomes <c>(x - mean) / 1e-7</c>, which is 0 on the adapted rows.</para>
/// <para>The mean and the variance are two-pass (mean first, then squared deviations), never
/// <c>E[x²] - E[x]²</c>, so that an offset of 1e6 with a spread of 1e-3 keeps its digits.</para>
/// <para>Every function takes row-major <c>[rows, columns]</c> spans, inputs first and the destination last, and
/// writes nothing but its destination.</para>
/// </remarks>
internal static class NormalizationFunctions
{
    /// <summary>Keras's <c>backend.epsilon()</c>: the floor under the standard deviation in <see cref="Forward"/>.</summary>
    public const double DefaultEpsilon = 1e-7;

    /// <summary>
    /// The mean and the biased variance of each column: <c>mean[j] = Σ_i x[i, j] / rows</c>, then
    /// <c>variance[j] = Σ_i (x[i, j] - mean[j])² / rows</c> (Keras's <c>np.var</c>, divide by N).
    /// </summary>
    /// <param name="x">The adapt rows, row-major <c>[rows, columns]</c>.</param>
    /// <param name="rows">The number of rows; at least 1.</param>
    /// <param name="columns">The number of columns; at least 1.</param>
    /// <param name="mean">Receives the <paramref name="columns"/> means.</param>
    /// <param name="variance">Receives the <paramref name="columns"/> biased variances.</param>
    /// <exception cref="ArgumentException">A count is below 1 or a span has the wrong length; nothing is written.</exception>
    public static void Adapt(ReadOnlySpan<double> x, int rows, int columns, Span<double> mean, Span<double> variance)
    {
        CheckMatrix(x.Length, rows, columns, nameof(x));
        CheckVector(mean.Length, columns, nameof(mean));
        CheckVector(variance.Length, columns, nameof(variance));

        mean.Clear();
        for (int i = 0; i < rows; i++)
        {
            ReadOnlySpan<double> row = x.Slice(i * columns, columns);
            for (int j = 0; j < columns; j++)
            {
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < columns; j++)
        {
            mean[j] /= rows;
        }

        // Second pass over the deviations from the finished mean: the cancellation-free form.
        variance.Clear();
        for (int i = 0; i < rows; i++)
        {
            ReadOnlySpan<double> row = x.Slice(i * columns, columns);
            for (int j = 0; j < columns; j++)
            {
                double d = row[j] - mean[j];
                variance[j] += d * d;
            }
        }
        for (int j = 0; j < columns; j++)
        {
            variance[j] /= rows;
        }
    }

    /// <summary>
    /// The divisor of each column, <c>scale[j] = max(√variance[j], ε)</c>, as Keras computes it.
    /// </summary>
    /// <param name="variance">The variance of each column (as <see cref="Adapt"/> writes it).</param>
    /// <param name="epsilon">The floor under the standard deviation; Keras's default is <see cref="DefaultEpsilon"/>.</param>
    /// <param name="scale">Receives one divisor per column.</param>
    /// <exception cref="ArgumentException">The spans differ in length or ε is not positive and finite.</exception>
    public static void Scale(ReadOnlySpan<double> variance, double epsilon, Span<double> scale)
    {
        CheckVector(scale.Length, variance.Length, nameof(scale));
        CheckEpsilon(epsilon);
        for (int j = 0; j < variance.Length; j++)
        {
            scale[j] = Math.Max(Math.Sqrt(variance[j]), epsilon);
        }
    }

    /// <summary><c>y[i, j] = (x[i, j] - mean[j]) / max(√variance[j], ε)</c>.</summary>
    /// <param name="x">The input rows, row-major <c>[rows, columns]</c>.</param>
    /// <param name="rows">The number of rows; at least 1.</param>
    /// <param name="columns">The number of columns; the length of <paramref name="mean"/>.</param>
    /// <param name="mean">The mean of each column.</param>
    /// <param name="variance">The variance of each column.</param>
    /// <param name="epsilon">The floor under the standard deviation; Keras's default is <see cref="DefaultEpsilon"/>.</param>
    /// <param name="y">Receives the standardised rows; may be the same memory as <paramref name="x"/>.</param>
    /// <exception cref="ArgumentException">A count is below 1, a span has the wrong length or ε is not positive and
    /// finite; nothing is written.</exception>
    public static void Forward(ReadOnlySpan<double> x, int rows, int columns, ReadOnlySpan<double> mean,
        ReadOnlySpan<double> variance, double epsilon, Span<double> y)
    {
        CheckMatrix(x.Length, rows, columns, nameof(x));
        CheckVector(mean.Length, columns, nameof(mean));
        CheckVector(variance.Length, columns, nameof(variance));
        CheckVector(y.Length, x.Length, nameof(y));
        CheckEpsilon(epsilon);
        using var std = new StandardDeviations(variance, epsilon, columns <= StackColumns ? stackalloc double[columns] : default);
        for (int i = 0; i < rows; i++)
        {
            ReadOnlySpan<double> inRow = x.Slice(i * columns, columns);
            Span<double> outRow = y.Slice(i * columns, columns);
            for (int j = 0; j < columns; j++)
            {
                // A division, not a multiplication by a stored reciprocal, so the result equals Keras's to the last bit.
                outRow[j] = (inRow[j] - mean[j]) / std.Values[j];
            }
        }
    }

    /// <summary>
    /// The gradient with respect to the input of <see cref="Forward"/>: <c>dx[i, j] = dy[i, j] / max(√variance[j],
    /// ε)</c>. The statistics are buffers, not parameters, so there is no other gradient.
    /// </summary>
    /// <param name="gradOutput">The gradient with respect to the output, row-major <c>[rows, columns]</c>.</param>
    /// <param name="rows">The number of rows; at least 1.</param>
    /// <param name="columns">The number of columns; the length of <paramref name="variance"/>.</param>
    /// <param name="variance">The variance of each column, as used in the forward pass.</param>
    /// <param name="epsilon">The ε of the forward pass.</param>
    /// <param name="gradInput">Receives the gradient with respect to the input.</param>
    /// <exception cref="ArgumentException">A count is below 1, a span has the wrong length or ε is not positive and
    /// finite; nothing is written.</exception>
    public static void Backward(ReadOnlySpan<double> gradOutput, int rows, int columns, ReadOnlySpan<double> variance,
        double epsilon, Span<double> gradInput)
    {
        CheckMatrix(gradOutput.Length, rows, columns, nameof(gradOutput));
        CheckVector(variance.Length, columns, nameof(variance));
        CheckVector(gradInput.Length, gradOutput.Length, nameof(gradInput));
        CheckEpsilon(epsilon);
        using var std = new StandardDeviations(variance, epsilon, columns <= StackColumns ? stackalloc double[columns] : default);
        for (int i = 0; i < rows; i++)
        {
            ReadOnlySpan<double> inRow = gradOutput.Slice(i * columns, columns);
            Span<double> outRow = gradInput.Slice(i * columns, columns);
            for (int j = 0; j < columns; j++)
            {
                outRow[j] = inRow[j] / std.Values[j];
            }
        }
    }

    /// <summary>
    /// The inverse of <see cref="Forward"/> (Keras's <c>invert=True</c>): <c>x[i, j] = mean[j] + y[i, j] *
    /// max(√variance[j], ε)</c>, e.g. to turn standardised regression outputs back into the target's units.
    /// </summary>
    /// <param name="y">Standardised rows, row-major <c>[rows, columns]</c>.</param>
    /// <param name="rows">The number of rows; at least 1.</param>
    /// <param name="columns">The number of columns; the length of <paramref name="mean"/>.</param>
    /// <param name="mean">The mean of each column.</param>
    /// <param name="variance">The variance of each column.</param>
    /// <param name="epsilon">The floor under the standard deviation.</param>
    /// <param name="x">Receives the rows in the original units.</param>
    /// <exception cref="ArgumentException">A count is below 1, a span has the wrong length or ε is not positive and
    /// finite; nothing is written.</exception>
    public static void Invert(ReadOnlySpan<double> y, int rows, int columns, ReadOnlySpan<double> mean,
        ReadOnlySpan<double> variance, double epsilon, Span<double> x)
    {
        CheckMatrix(y.Length, rows, columns, nameof(y));
        CheckVector(mean.Length, columns, nameof(mean));
        CheckVector(variance.Length, columns, nameof(variance));
        CheckVector(x.Length, y.Length, nameof(x));
        CheckEpsilon(epsilon);
        using var std = new StandardDeviations(variance, epsilon, columns <= StackColumns ? stackalloc double[columns] : default);
        for (int i = 0; i < rows; i++)
        {
            ReadOnlySpan<double> inRow = y.Slice(i * columns, columns);
            Span<double> outRow = x.Slice(i * columns, columns);
            for (int j = 0; j < columns; j++)
            {
                outRow[j] = mean[j] + (inRow[j] * std.Values[j]);
            }
        }
    }

    /// <summary>
    /// The first column whose mean or variance is NaN or infinite, or -1 when all are finite: one NaN or infinity in a
    /// column's adapt rows makes its statistics non-finite, so a layer can refuse such data after <see cref="Adapt"/>
    /// with D checks instead of N × D.
    /// </summary>
    /// <param name="mean">The means from <see cref="Adapt"/>.</param>
    /// <param name="variance">The variances from <see cref="Adapt"/>.</param>
    /// <returns>The zero-based column, or -1.</returns>
    public static int FirstNonFiniteColumn(ReadOnlySpan<double> mean, ReadOnlySpan<double> variance)
    {
        for (int j = 0; j < mean.Length; j++)
        {
            if (!double.IsFinite(mean[j]) || !double.IsFinite(variance[j]))
            {
                return j;
            }
        }
        return -1;
    }

    /// <summary>Columns up to which the per-column divisors are kept on the stack.</summary>
    private const int StackColumns = 256;

    /// <summary>
    /// <c>max(√variance[j], ε)</c> for every column, computed once per call instead of once per element (the same
    /// values, so the same bits), on the stack or in a pooled array for wide rows.
    /// </summary>
    private ref struct StandardDeviations
    {
        private readonly double[]? _rented;

        public StandardDeviations(ReadOnlySpan<double> variance, double epsilon, Span<double> stackBuffer)
        {
            if (stackBuffer.IsEmpty && !variance.IsEmpty)
            {
                _rented = ArrayPool<double>.Shared.Rent(variance.Length);
                stackBuffer = _rented.AsSpan(0, variance.Length);
            }
            Values = stackBuffer;
            for (int j = 0; j < variance.Length; j++)
            {
                Values[j] = Math.Max(Math.Sqrt(variance[j]), epsilon);
            }
        }

        /// <summary>The divisor of each column.</summary>
        public Span<double> Values { get; }

        public readonly void Dispose()
        {
            if (_rented is not null)
            {
                ArrayPool<double>.Shared.Return(_rented);
            }
        }
    }

    private static void CheckMatrix(int length, int rows, int columns, string name)
    {
        if (rows < 1 || columns < 1 || (long)rows * columns != length)
        {
            throw new ArgumentException(
                $"Expected {name} to hold rows × columns values with at least one row and one column, but got " +
                $"{length} values for rows = {rows} and columns = {columns}. Pass the row and column counts of the " +
                "batch.", name);
        }
    }

    private static void CheckVector(int length, int expected, string name)
    {
        if (length != expected)
        {
            throw new ArgumentException(
                $"Expected {name} to hold {expected} values (one per column, or as many as the input), but it holds " +
                $"{length}. Allocate it to that length.", name);
        }
    }

    private static void CheckEpsilon(double epsilon)
    {
        if (!(epsilon > 0) || !double.IsFinite(epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, string.Create(CultureInfo.InvariantCulture,
                $"Expected a positive, finite epsilon (Keras uses {DefaultEpsilon:R}), but got {epsilon:R}."));
        }
    }
}
