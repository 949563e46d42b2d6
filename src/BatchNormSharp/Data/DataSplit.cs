using System.Globalization;

namespace BatchNormSharp;

/// <summary>
/// Seeded train/test and validation splits of row indices, plain or stratified by class: the same seed gives the same
/// split on every run and every .NET version.
/// </summary>
/// <remarks>
/// <para><b>Sizes.</b> A train/test split holds out <c>ceil(fraction × rows)</c> rows, as scikit-learn's
/// <c>train_test_split(test_size=fraction)</c>. <see cref="ValidationLast"/> holds out
/// <c>rows - floor(rows × (1 - fraction))</c>, as Keras's <c>validation_split</c>.</para>
/// <para><b>Stratified.</b> Each class holds out <c>floor(fraction × n_c)</c> rows plus at most one more, the extra
/// rows going to the classes with the largest remainders (ties to the lower class index) until the total above is
/// reached, so every class's share of the held-out rows is within one row of its share of the data.</para>
/// <para><b>Randomness.</b> One <see cref="Random"/> seeded with <c>seed</c> drives a Fisher–Yates shuffle written out
/// here (of all rows, or of each class's rows in class order), so the split never depends on the runtime's shuffle.
/// The rows are not shuffled in the result: both parts come back ascending.</para>
/// </remarks>
public static class DataSplit
{
    /// <summary>A seeded random split: <c>ceil(testFraction × rows)</c> rows held out for testing.</summary>
    /// <param name="rows">The number of rows; at least 2.</param>
    /// <param name="testFraction">The share of rows to hold out, strictly between 0 and 1.</param>
    /// <param name="seed">The seed; the same seed gives the same split.</param>
    /// <returns>The train and held-out row indices, each ascending.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The fraction is not strictly between 0 and 1, or leaves one part
    /// empty.</exception>
    public static RowSplit TrainTest(int rows, double testFraction, int seed)
    {
        int heldOut = HeldOutCount(rows, testFraction, nameof(testFraction));
        int[] order = Identity(rows);
        Shuffle(order, new Random(seed));
        return Build(rows, order.AsSpan(0, heldOut));
    }

    /// <summary>
    /// A seeded split that keeps each class's share: <c>ceil(testFraction × rows)</c> rows held out, each class
    /// within one row of <c>testFraction × its count</c>.
    /// </summary>
    /// <param name="labels">The class index of each row (any non-negative integers; they need not be contiguous).</param>
    /// <param name="testFraction">The share of rows to hold out, strictly between 0 and 1.</param>
    /// <param name="seed">The seed; the same seed gives the same split.</param>
    /// <returns>The train and held-out row indices, each ascending.</returns>
    /// <exception cref="ArgumentException">A label is negative.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The fraction is not strictly between 0 and 1, or leaves one part
    /// empty.</exception>
    public static RowSplit TrainTestStratified(IReadOnlyList<int> labels, double testFraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(labels);
        int rows = labels.Count;
        int heldOut = HeldOutCount(rows, testFraction, nameof(testFraction));

        // Rows of each class, in row order; classes in ascending label order.
        var byClass = new SortedDictionary<int, List<int>>();
        for (int i = 0; i < rows; i++)
        {
            int label = labels[i];
            if (label < 0)
            {
                throw new ArgumentException(
                    $"Expected class indices of 0 or more, but row {i} has label {label}. Map the classes to 0, 1, ... " +
                    "first.", nameof(labels));
            }
            if (!byClass.TryGetValue(label, out var members))
            {
                members = [];
                byClass.Add(label, members);
            }
            members.Add(i);
        }

        List<int>[] classes = [.. byClass.Values];
        int[] quota = Allocate(classes, testFraction, heldOut);

        var random = new Random(seed);
        var held = new List<int>(heldOut);
        for (int c = 0; c < classes.Length; c++)
        {
            int[] members = [.. classes[c]];
            Shuffle(members, random);
            held.AddRange(members.AsSpan(0, quota[c]).ToArray());
        }
        return Build(rows, held.ToArray());
    }

    /// <summary>
    /// Keras's <c>validation_split</c>: the <i>last</i> rows, taken before any shuffling, so the split depends only on
    /// the order of the data. Sort or shuffle the data first if it is ordered by class (Iris and Palmer penguins are),
    /// or use <see cref="ValidationStratified"/>.
    /// </summary>
    /// <param name="rows">The number of rows; at least 2.</param>
    /// <param name="validationFraction">The share of rows to hold out, strictly between 0 and 1; the last
    /// <c>rows - floor(rows × (1 - fraction))</c> rows are held out.</param>
    /// <returns>The first rows to train on and the last rows to validate on.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The fraction is not strictly between 0 and 1, or leaves one part
    /// empty.</exception>
    public static RowSplit ValidationLast(int rows, double validationFraction)
    {
        CheckFraction(validationFraction, nameof(validationFraction));
        CheckRows(rows, nameof(rows));
        // Keras: split_at = floor(rows * (1 - validation_split)).
        int splitAt = (int)Math.Floor(rows * (1.0 - validationFraction));
        CheckParts(rows, rows - splitAt, validationFraction, nameof(validationFraction));
        return new RowSplit(Range(0, splitAt), Range(splitAt, rows - splitAt));
    }

    /// <summary>
    /// A seeded, stratified validation split: the same rule as <see cref="TrainTestStratified"/>, for data ordered by
    /// class, where <see cref="ValidationLast"/> would validate on one class only.
    /// </summary>
    /// <param name="labels">The class index of each row.</param>
    /// <param name="validationFraction">The share of rows to hold out, strictly between 0 and 1.</param>
    /// <param name="seed">The seed; the same seed gives the same split.</param>
    /// <returns>The train and validation row indices, each ascending.</returns>
    /// <exception cref="ArgumentException">A label is negative.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The fraction is not strictly between 0 and 1, or leaves one part
    /// empty.</exception>
    public static RowSplit ValidationStratified(IReadOnlyList<int> labels, double validationFraction, int seed) =>
        TrainTestStratified(labels, validationFraction, seed);

    /// <summary>Largest-remainder allocation of <paramref name="total"/> held-out rows over the classes.</summary>
    private static int[] Allocate(List<int>[] classes, double fraction, int total)
    {
        var quota = new int[classes.Length];
        var remainder = new double[classes.Length];
        int assigned = 0;
        for (int c = 0; c < classes.Length; c++)
        {
            double exact = fraction * classes[c].Count;
            quota[c] = Math.Min((int)Math.Floor(exact), classes[c].Count);
            remainder[c] = exact - quota[c];
            assigned += quota[c];
        }
        while (assigned < total)
        {
            // The class with the largest remainder that still has a row to give; ties to the lower class.
            int best = -1;
            for (int c = 0; c < classes.Length; c++)
            {
                if (quota[c] < classes[c].Count && (best < 0 || remainder[c] > remainder[best]))
                {
                    best = c;
                }
            }
            quota[best]++;
            remainder[best] = double.NegativeInfinity;
            assigned++;
        }
        return quota;
    }

    private static int HeldOutCount(int rows, double fraction, string name)
    {
        CheckFraction(fraction, name);
        CheckRows(rows, nameof(rows));
        int heldOut = (int)Math.Ceiling(fraction * rows);
        CheckParts(rows, heldOut, fraction, name);
        return heldOut;
    }

    private static void CheckFraction(double fraction, string name)
    {
        if (!(fraction > 0 && fraction < 1))
        {
            throw new ArgumentOutOfRangeException(name, fraction, string.Create(CultureInfo.InvariantCulture,
                $"Expected a fraction strictly between 0 and 1 (e.g. 0.2 for 20 %), but got {fraction}."));
        }
    }

    private static void CheckRows(int rows, string name)
    {
        if (rows < 2)
        {
            throw new ArgumentOutOfRangeException(name, rows,
                $"Expected at least 2 rows to split into two non-empty parts, but got {rows}.");
        }
    }

    private static void CheckParts(int rows, int heldOut, double fraction, string name)
    {
        if (heldOut < 1 || heldOut > rows - 1)
        {
            throw new ArgumentOutOfRangeException(name, fraction, string.Create(CultureInfo.InvariantCulture,
                $"A fraction of {fraction} of {rows} rows holds out {heldOut}, which leaves one part empty; choose one that leaves a row on each side."));
        }
    }

    private static void Shuffle(int[] order, Random random)
    {
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
    }

    private static RowSplit Build(int rows, ReadOnlySpan<int> heldOut)
    {
        var isHeld = new bool[rows];
        foreach (int i in heldOut)
        {
            isHeld[i] = true;
        }
        var train = new int[rows - heldOut.Length];
        var held = new int[heldOut.Length];
        int t = 0, h = 0;
        for (int i = 0; i < rows; i++)
        {
            if (isHeld[i])
            {
                held[h++] = i;
            }
            else
            {
                train[t++] = i;
            }
        }
        return new RowSplit(train, held);
    }

    private static int[] Identity(int rows) => Range(0, rows);

    private static int[] Range(int start, int count)
    {
        var values = new int[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = start + i;
        }
        return values;
    }
}
