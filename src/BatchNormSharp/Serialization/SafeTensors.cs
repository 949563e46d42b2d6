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
/// <para><b>Untrusted files.</b> Loading checks the header length (at most the rest of the file and at most
/// 100 MB), the JSON layout, every dtype, and that each entry's byte range lies inside the data section, has the
/// size its shape and dtype need, and that the ranges cover the data section without gap or overlap — all before
/// any tensor is allocated. No type names are read from the file. Any damage gives an
/// <see cref="InvalidDataException"/> that says what is wrong. Memory use is bounded by the file's size (an
/// <c>F32</c> file takes twice its data size once widened).</para>
/// <para><b>Atomic saves.</b> <see cref="Save(StateDictionary, string)"/> writes to a temporary file in the same folder and then moves it over
/// the target, so a failed or interrupted save never leaves a half-written file in place of a good one.</para>
/// </remarks>
public static class SafeTensors
{
    /// <summary>Saves <paramref name="state"/> to <paramref name="path"/>, replacing any existing file atomically.</summary>
    /// <param name="state">The tensors to save, e.g. <c>model.StateDict()</c>.</param>
    /// <param name="path">The file to write, conventionally ending in <c>.safetensors</c>.</param>
    /// <exception cref="IOException">The file cannot be written; an existing file at <paramref name="path"/> is left
    /// as it was.</exception>
    /// <exception cref="ArgumentException">An integer entry (such as <c>num_batches_tracked</c>) holds a value that is
    /// not a whole number; nothing is written.</exception>
    public static void Save(StateDictionary state, string path) => Save(state, path, static stream => stream);

    /// <summary>Loads a state dictionary from a safetensors file.</summary>
    /// <param name="path">The file to read.</param>
    /// <returns>The tensors, in the order of their data in the file, with the file's metadata.</returns>
    /// <exception cref="InvalidDataException">The file is damaged, or holds a dtype other than F64, F32 and I64.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static StateDictionary Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return SafeTensorsReader.Read(File.ReadAllBytes(path));
    }

    /// <summary>Writes <paramref name="state"/> in the safetensors format to a stream.</summary>
    /// <param name="state">The tensors to write.</param>
    /// <param name="destination">A writable stream; it is not closed.</param>
    /// <exception cref="ArgumentException">An integer entry (such as <c>num_batches_tracked</c>) holds a value that is
    /// not a whole number; nothing is written.</exception>
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
        string target = Path.GetFullPath(path);
        // Same folder as the target, so the final move is a rename within one file system.
        string temporary = Path.Combine(Path.GetDirectoryName(target)!,
            $".{Path.GetFileName(target)}.{Path.GetRandomFileName()}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
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
