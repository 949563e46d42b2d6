using System.Text;
using ScottPlot;

namespace BatchNormSharp.Plots;

/// <summary>Where and how one picture is written: the path checked and the format settled before any drawing, and the
/// file written whole or not at all.</summary>
internal sealed class PlotFile
{
    private PlotFile(string fullPath, PlotFormat format, int width, int height)
    {
        FullPath = fullPath;
        Format = format;
        Width = width;
        Height = height;
    }

    public string FullPath { get; }

    public PlotFormat Format { get; }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Checks <paramref name="path"/> and settles the format, before the caller draws anything.</summary>
    /// <exception cref="ArgumentException">The path is empty, its folder does not exist, or its extension names no
    /// format and <see cref="PlotOptions.Format"/> is not set.</exception>
    public static PlotFile Check(string path, PlotOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string fullPath;
        try
        {
            fullPath = Path.GetFullPath(path);
        }
        catch (Exception exception) when (exception is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new ArgumentException(
                $"'{path}' is not a usable file path ({exception.Message}). Pass a path such as 'plots/loss.png'.",
                nameof(path), exception);
        }
        var format = options.Format ?? FormatOf(path);
        string? folder = Path.GetDirectoryName(fullPath);
        if (folder is not null && !Directory.Exists(folder))
        {
            throw new ArgumentException(
                $"Cannot write '{path}': the folder '{folder}' does not exist. Create it first " +
                "(Directory.CreateDirectory) or choose another path.", nameof(path));
        }
        if (Directory.Exists(fullPath))
        {
            throw new ArgumentException(
                $"Cannot write '{path}': it is a folder. Pass a file name ending in .png or .svg.", nameof(path));
        }
        return new PlotFile(fullPath, format, options.Width, options.Height);
    }

    /// <summary>Renders <paramref name="plot"/> and writes it through a temporary file in the same folder, so that a
    /// failed write leaves no partial picture and an existing file untouched.</summary>
    /// <exception cref="ArgumentException">The file cannot be written (no permission, disk full, a locked file).</exception>
    public string Write(Plot plot)
    {
        byte[] bytes = Format == PlotFormat.Png
            ? plot.GetImageBytes(Width, Height, ImageFormat.Png)
            : Encoding.UTF8.GetBytes(plot.GetSvgXml(Width, Height));
        string temporary = FullPath + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, FullPath, overwrite: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw new ArgumentException(
                $"Could not write the picture to '{FullPath}': {exception.Message} Choose a path in a folder you can " +
                "write to.", exception);
        }
        return FullPath;
    }

    private static PlotFormat FormatOf(string path) => Path.GetExtension(path).ToUpperInvariant() switch
    {
        ".PNG" => PlotFormat.Png,
        ".SVG" => PlotFormat.Svg,
        var extension => throw new ArgumentException(
            $"Cannot tell the picture format of '{path}' from its extension '{extension}': expected .png or .svg. " +
            "Rename the file or set PlotOptions.Format.", nameof(path)),
    };

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Nothing more to do: the temporary file could not be created or cannot be removed either.
        }
    }
}
