namespace BatchNormSharp.Onnx;

/// <summary>
/// Writes a file so that it is either the complete new content or left as it was: the bytes go to a temporary file
/// in the same folder (the same volume, so the move is a rename) and then replace the target.
/// </summary>
internal static class AtomicFile
{
    public static void Write(string fullPath, ReadOnlySpan<byte> bytes)
    {
        string folder = Path.GetDirectoryName(fullPath)!;
        string temporary = Path.Combine(folder, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            File.Delete(temporary); // no-op when it was never created
            throw;
        }
    }
}
