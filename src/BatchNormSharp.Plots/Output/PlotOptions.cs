using System.Globalization;

namespace BatchNormSharp.Plots;

/// <summary>Size, file format and title of one picture. Every plotting function takes one; <see langword="null"/>
/// means these defaults.</summary>
public sealed record PlotOptions
{
    /// <summary>The smallest width or height accepted, in pixels: below it the axes and labels no longer fit.</summary>
    public const int MinimumSize = 100;

    /// <summary>The largest width or height accepted, in pixels.</summary>
    public const int MaximumSize = 10_000;

    private readonly int _width = 800;
    private readonly int _height = 500;

    /// <summary>The width in pixels, from <see cref="MinimumSize"/> to <see cref="MaximumSize"/>. Default 800.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside that range.</exception>
    public int Width
    {
        get => _width;
        init => _width = CheckSize(value, nameof(Width));
    }

    /// <summary>The height in pixels, from <see cref="MinimumSize"/> to <see cref="MaximumSize"/>. Default 500.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside that range.</exception>
    public int Height
    {
        get => _height;
        init => _height = CheckSize(value, nameof(Height));
    }

    /// <summary>The file format; <see langword="null"/> (the default) takes it from the path's extension,
    /// <c>.png</c> or <c>.svg</c>.</summary>
    public PlotFormat? Format { get; init; }

    /// <summary>The title shown above the picture; <see langword="null"/> (the default) for the plot's own.</summary>
    public string? Title { get; init; }

    private static int CheckSize(int value, string name)
    {
        if (value is < MinimumSize or > MaximumSize)
        {
            throw new ArgumentOutOfRangeException(name, value,
                $"{name} must be from {MinimumSize.ToString(CultureInfo.InvariantCulture)} to " +
                $"{MaximumSize.ToString(CultureInfo.InvariantCulture)} pixels, but was " +
                $"{value.ToString(CultureInfo.InvariantCulture)}.");
        }
        return value;
    }
}
