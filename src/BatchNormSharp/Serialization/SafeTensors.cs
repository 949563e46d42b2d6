namespace BatchNormSharp;

/// <summary>
/// Saves and loads a <see cref="StateDictionary"/> as a <c>.safetensors</c> file, the format of Hugging Face's
/// <c>safetensors</c> library that PyTorch users load with <c>safetensors.torch.load_file</c>.
/// </summary>
/// <remarks>
/// <para><b>Layout.</b> An 8-byte little-endian header length; a UTF-8 JSON header mapping each name to
/// <c>{"dtype", "shape", "data_offsets": [begin, end]}</c>, with optional string metadata under
/// <c>__metadata__</c>; then the raw little-endian values, back to back. This library writes <c>F64</c> for float
/// entries and <c>I64</c> for integer ones (<c>num_batches_tracked</c>), and reads <c>F64</c>, <c>F32</c> (widened
/// exactly to double) and <c>I64</c>.</para>
/// <para><b>Untrusted files.</b> <see cref="Load"/> reads only regular files, and reads the 8-byte prefix and the
/// header before anything else, then no more bytes than the header promises. Loading checks the header length (at most the rest of the file and at most
/// 100 MB), the JSON layout, every dtype, and that each entry's byte range lies inside the data section, has the
/// size its shape and dtype need, and that the ranges cover the data section without gap or overlap — all before
/// any tensor is allocated. No type names are read from the file. Any damage gives an
/// <see cref="InvalidDataException"/> that says what is wrong. Memory use is bounded by the file's size (an
/// <c>F32</c> file takes twice its data size once widened).</para>
/// <para><b>Atomic saves.</b> <see cref="Save(StateDictionary, string)"/> writes to a temporary file in the same folder and then moves it over
/// the target, so a failed or interrupted save never leaves a half-written file in place of a good one. The target's
/// permission bits are kept.</para>
/// </remarks>
public static class SafeTensors
{
    /// <summary>Saves <paramref name="state"/> to <paramref name="path"/>, replacing any existing file atomically.</summary>
    /// <param name="state">The tensors to save, e.g. <c>model.StateDict()</c>.</param>
    /// <param name="path">The file to write, conventionally ending in <c>.safetensors</c>.</param>
    /// <exception cref="IOException">The file cannot be written; an existing file at <paramref name="path"/> is left
    /// as it was.</exception>
    /// <remarks>An existing file keeps its permission bits (a file only its owner may read stays so); a new file gets
    /// the default ones. The temporary file is written in the same folder under a short name of its own.</remarks>
    /// <exception cref="ArgumentException">An integer entry (such as <c>num_batches_tracked</c>) holds a value that is
    /// not a whole number, a metadata value is <see langword="null"/>, a name or metadata text is not valid UTF-16, or
    /// the header would exceed what <see cref="Load"/> accepts: anything <see cref="Load"/> would refuse. Nothing is
    /// written and an existing file is left as it was.</exception>
    public static void Save(StateDictionary state, string path) => Save(state, path, static stream => stream);

    /// <summary>Loads a state dictionary from a safetensors file.</summary>
    /// <param name="path">The file to read.</param>
    /// <returns>The tensors, in the order of their data in the file, with the file's metadata.</returns>
    /// <remarks>Only a regular file is read: a directory, FIFO, device or other special file is refused before it is
    /// opened (they report a size of 0 bytes). The 8-byte prefix and the header are read and checked first, then no
    /// more bytes than the header promises, straight into the tensors.</remarks>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null, empty or not a valid path.</exception>
    /// <exception cref="InvalidDataException">The path is not a regular file (a directory, FIFO, device), the file is
    /// damaged or changed while it was read, or it holds a dtype other than F64, F32 and I64.</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The caller may not read the file.</exception>
    public static StateDictionary Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return SafeTensorsFile.Read(path);
    }

    /// <summary>Writes <paramref name="state"/> in the safetensors format to a stream.</summary>
    /// <param name="state">The tensors to write.</param>
    /// <param name="destination">A writable stream; it is not closed.</param>
    /// <exception cref="ArgumentException">The state could not be read back (see <see cref="Save(StateDictionary, string)"/>);
    /// nothing is written.</exception>
    public static void Write(StateDictionary state, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(destination);
        SafeTensorsWriter.Write(state, destination);
    }

    /// <summary>Reads a state dictionary from the bytes of a whole safetensors file.</summary>
    /// <param name="file">The file's contents.</param>
    /// <returns>The tensors, in the order of their data in the file, with the file's metadata.</returns>
    /// <exception cref="InvalidDataException">The bytes are damaged, or hold a dtype other than F64, F32 and I64.</exception>
    public static StateDictionary Read(ReadOnlyMemory<byte> file) => SafeTensorsReader.Read(file);

    /// <summary>
    /// <see cref="Save(StateDictionary, string)"/> with a hook around the file stream, so that a test can make the
    /// write fail part-way and check that the previous file survives.
    /// </summary>
    internal static void Save(StateDictionary state, string path, Func<Stream, Stream> wrapFileStream)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentException.ThrowIfNullOrEmpty(path);
        // Refused before the disk is touched, so that a state Load could not read back never replaces a good file.
        SafeTensorsWriter.RequireSavable(state);
        string target = Path.GetFullPath(path);
        // Same folder as the target, so the final move is a rename within one file system; a short name of its own
        // (17 bytes), so that any target name the file system allows (up to 255 bytes) leaves room for it.
        string temporary = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetRandomFileName()}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        UnixFileMode? keptMode = null;
        if (!OperatingSystem.IsWindows() && File.Exists(target))
        {
            // The rename puts a new file in place of the target: it keeps the target's permission bits only if the
            // new file is given them. Created owner-only, so that no one else can read it before they are applied.
            keptMode = File.GetUnixFileMode(target);
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        try
        {
            using (var file = new FileStream(temporary, options))
            {
                if (keptMode is { } mode && !OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(file.SafeFileHandle, mode);
                }
                var stream = wrapFileStream(file);
                SafeTensorsWriter.Write(state, stream);
                stream.Flush();
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            DeleteIfPresent(temporary);
            throw;
        }
    }

    private static void DeleteIfPresent(string path)
    {
        try
        {
            File.Delete(path); // no-op when it was never created or has been moved
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // The original failure matters more than a leftover temporary file.
        }
    }
}
