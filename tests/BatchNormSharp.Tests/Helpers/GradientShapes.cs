namespace BatchNormSharp.Tests;

/// <summary>The small shapes every gradient check runs on (GUIDE §3): N = 2, 4, 7 rows and D = 1, 5 features.</summary>
internal static class GradientShapes
{
    public static readonly int[] Rows = [2, 4, 7];

    public static readonly int[] Features = [1, 5];

    /// <summary>Every (rows, features) pair.</summary>
    public static TheoryData<int, int> All()
    {
        var data = new TheoryData<int, int>();
        foreach (int rows in Rows)
        {
            foreach (int features in Features)
            {
                data.Add(rows, features);
            }
        }
        return data;
    }

    /// <summary>Every (rows, features, mode) triple.</summary>
    public static TheoryData<int, int, ForwardMode> AllWithModes()
    {
        var data = new TheoryData<int, int, ForwardMode>();
        foreach (int rows in Rows)
        {
            foreach (int features in Features)
            {
                data.Add(rows, features, ForwardMode.Training);
                data.Add(rows, features, ForwardMode.Inference);
            }
        }
        return data;
    }
}
