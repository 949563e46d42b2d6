using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace BatchNormSharp.Kernels;

/// <summary>
/// Chooses the register tile for the hardware and applies it to one tile of C, including the partial tiles at the
/// right and bottom edges of C.
/// </summary>
internal static class GemmMicroKernel
{
    /// <summary>The widest vector the hardware accelerates: <see cref="Vector512{T}"/> on AVX-512, else 256 bits.</summary>
    public static GemmVectorWidth Preferred =>
        Vector512.IsHardwareAccelerated ? GemmVectorWidth.Vector512 : GemmVectorWidth.Vector256;

    /// <summary>The height of the register tile, and of each packed A panel.</summary>
    public static int TileRows(GemmVectorWidth width) =>
        width == GemmVectorWidth.Vector512 ? GemmMicroKernel512.Rows : GemmMicroKernel256.Rows;

    /// <summary>The width of the register tile, and of each packed B panel.</summary>
    public static int TileColumns(GemmVectorWidth width) =>
        width == GemmVectorWidth.Vector512 ? GemmMicroKernel512.Columns : GemmMicroKernel256.Columns;

    /// <summary>
    /// Computes the <paramref name="rows"/> × <paramref name="columns"/> block of C at <paramref name="c"/> from one
    /// packed A panel and one packed B panel: <c>C = acc</c> when <paramref name="overwrite"/>, else <c>C += acc</c>.
    /// </summary>
    /// <remarks>
    /// A full tile is written in place. A partial tile (at most tile-sized) is computed whole into
    /// <paramref name="edgeTile"/> — the packed panels are zero-padded, so the extra lanes are harmless — and only its
    /// valid part is copied into C, with the same addition, so edge elements round exactly like interior ones.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyTile(
        GemmVectorWidth width, int kc, ref double packedA, ref double packedB,
        ref double c, int ldc, int rows, int columns, bool overwrite, Span<double> edgeTile)
    {
        int tileRows = TileRows(width), tileColumns = TileColumns(width);
        if (rows == tileRows && columns == tileColumns)
        {
            Multiply(width, kc, ref packedA, ref packedB, ref c, ldc, overwrite);
            return;
        }

        ref double tile = ref MemoryMarshal.GetReference(edgeTile);
        Multiply(width, kc, ref packedA, ref packedB, ref tile, tileColumns, overwrite: true);
        MergeTile(ref tile, tileColumns, ref c, ldc, rows, columns, overwrite);
    }

    /// <summary>
    /// Writes the valid <paramref name="rows"/> × <paramref name="columns"/> part of a computed tile into C:
    /// <c>C = tile</c> when <paramref name="overwrite"/>, else <c>C += tile</c> — the same single rounding as a full
    /// tile written in place.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MergeTile(
        ref double tile, int tileStride, ref double c, int ldc, int rows, int columns, bool overwrite)
    {
        for (int i = 0; i < rows; i++)
        {
            ref double source = ref Unsafe.Add(ref tile, i * tileStride);
            ref double destination = ref Unsafe.Add(ref c, i * ldc);
            int j = 0;
            for (; j <= columns - Vector256<double>.Count; j += Vector256<double>.Count)
            {
                var value = Vector256.LoadUnsafe(ref source, (nuint)j);
                if (!overwrite)
                {
                    value += Vector256.LoadUnsafe(ref destination, (nuint)j);
                }
                value.StoreUnsafe(ref destination, (nuint)j);
            }
            for (; j < columns; j++)
            {
                Unsafe.Add(ref destination, j) = overwrite
                    ? Unsafe.Add(ref source, j)
                    : Unsafe.Add(ref source, j) + Unsafe.Add(ref destination, j);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Multiply(
        GemmVectorWidth width, int kc, ref double packedA, ref double packedB, ref double c, nint ldc, bool overwrite)
    {
        if (width == GemmVectorWidth.Vector512)
        {
            GemmMicroKernel512.Multiply(kc, ref packedA, ref packedB, ref c, ldc, overwrite);
        }
        else
        {
            GemmMicroKernel256.Multiply(kc, ref packedA, ref packedB, ref c, ldc, overwrite);
        }
    }
}
