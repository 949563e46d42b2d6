namespace BatchNormSharp.Plots;

/// <summary>The kind of picture file to write.</summary>
public enum PlotFormat
{
    /// <summary>A PNG bitmap of exactly the requested width and height in pixels.</summary>
    Png,

    /// <summary>An SVG drawing whose root element declares the requested width and height.</summary>
    Svg,
}
