using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace BatchNormSharp.Kernels;

/// <summary>
/// Copies blocks of op(A) and op(B) into the panel layout the register tile reads: contiguous, in the order of use,
/// zero-padded to whole panels.
/// </summary>
/// <remarks>
/// <para>A panel of A is <c>tileRows</c> rows of op(A) over a k block, stored column by column: for each step p the
/// <c>tileRows</c> values <c>op(A)[i, p]</c> are adjacent. A panel of B is <c>tileColumns</c> columns of op(B), stored
/// row by row. The micro-kernel then walks both panels with unit stride, whatever the layout of the caller's
/// matrices: this is how all four transpose combinations run at the same speed, and how power-of-two leading
/// dimensions stop evicting each other from the same cache sets.</para>
/// <para>Both operands are the same problem: a matrix seen through a panel stride (between the rows of A, or the
/// columns of B) and a depth stride (between consecutive p). One of the two strides is 1 for a row-major matrix,
/// which decides between a vector copy and a transposing copy.</para>
/// </remarks>
internal static class GemmPacking
{
    /// <summary>
    /// Packs op(A)[<paramref name="rowStart"/> …, <paramref name="depthStart"/> …], a block of
    /// <paramref name="rows"/> × <paramref name="depth"/>, into panels of <paramref name="tileRows"/> rows.
    /// </summary>
    public static void PackA(
        ReadOnlySpan<double> a, bool transposeA, int m, int k,
        int rowStart, int rows, int depthStart, int depth, int tileRows, Span<double> destination)
    {
        // op(A)[i, p] is a[i·k + p], or a[p·m + i] for a stored transpose.
        int rowStride = transposeA ? 1 : k;
        int depthStride = transposeA ? m : 1;
        ref double origin = ref Unsafe.Add(
            ref MemoryMarshal.GetReference(a), ((nint)rowStart * rowStride) + ((nint)depthStart * depthStride));
        PackPanels(ref origin, rowStride, depthStride, rows, depth, tileRows, destination);
    }

    /// <summary>
    /// Packs op(B)[<paramref name="depthStart"/> …, <paramref name="columnStart"/> …], a block of
    /// <paramref name="depth"/> × <paramref name="columns"/>, into panels of <paramref name="tileColumns"/> columns.
    /// </summary>
    public static void PackB(
        ReadOnlySpan<double> b, bool transposeB, int n, int k,
        int depthStart, int depth, int columnStart, int columns, int tileColumns, Span<double> destination)
    {
        // op(B)[p, j] is b[p·n + j], or b[j·k + p] for a stored transpose.
        int columnStride = transposeB ? k : 1;
        int depthStride = transposeB ? 1 : n;
        ref double origin = ref Unsafe.Add(
            ref MemoryMarshal.GetReference(b), ((nint)columnStart * columnStride) + ((nint)depthStart * depthStride));
        PackPanels(ref origin, columnStride, depthStride, columns, depth, tileColumns, destination);
    }

    /// <summary>
    /// Packs <paramref name="count"/> lines (rows of A or columns of B) of <paramref name="depth"/> values each into
    /// panels of <paramref name="panelWidth"/> lines: <c>panel[p · panelWidth + line]</c>, zero beyond the last line.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackPanels(
        ref double origin, int lineStride, int depthStride, int count, int depth, int panelWidth, Span<double> destination)
    {
        ref double panel = ref MemoryMarshal.GetReference(destination);
        if (lineStride == 1)
        {
            CopyRuns(ref origin, depthStride, count, depth, panelWidth, ref panel);
            return;
        }
        for (int first = 0; first < count; first += panelWidth)
        {
            int lines = Math.Min(panelWidth, count - first);
            Transpose(ref Unsafe.Add(ref origin, (nint)first * lineStride), lineStride, depthStride, lines, depth,
                panelWidth, ref panel);
            panel = ref Unsafe.Add(ref panel, (nint)panelWidth * depth);
        }
    }

    /// <summary>
    /// The lines are adjacent in memory: step p of every line is one contiguous run of <paramref name="count"/>
    /// values, which is read once, front to back, and dealt out to the panels. Reading run by run keeps the source a
    /// single sequential stream (panel by panel would read a few values from every run, a whole matrix row apart,
    /// which the prefetchers do not follow).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyRuns(
        ref double source, int depthStride, int count, int depth, int panelWidth, ref double panel)
    {
        int fullPanels = count / panelWidth;
        int lastLines = count - (fullPanels * panelWidth);
        nint panelLength = (nint)panelWidth * depth;
        for (int p = 0; p < depth; p++)
        {
            ref double from = ref Unsafe.Add(ref source, (nint)p * depthStride);
            ref double to = ref Unsafe.Add(ref panel, (nint)p * panelWidth);
            for (int q = 0; q < fullPanels; q++)
            {
                CopyRun(ref Unsafe.Add(ref from, q * panelWidth), panelWidth, ref Unsafe.Add(ref to, q * panelLength));
            }
            if (lastLines > 0)
            {
                ref double partial = ref Unsafe.Add(ref to, fullPanels * panelLength);
                CopyRun(ref Unsafe.Add(ref from, fullPanels * panelWidth), lastLines, ref partial);
                ZeroPadding(ref partial, lastLines, panelWidth);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyRun(ref double from, int length, ref double to)
    {
        int j = 0;
        for (; j <= length - Vector256<double>.Count; j += Vector256<double>.Count)
        {
            Vector256.LoadUnsafe(ref from, (nuint)j).StoreUnsafe(ref to, (nuint)j);
        }
        for (; j < length; j++)
        {
            Unsafe.Add(ref to, j) = Unsafe.Add(ref from, j);
        }
    }

    /// <summary>
    /// The lines are strided: read each line along its depth (sequential when the depth stride is 1) and scatter
    /// it into its lane of the panel, which stays in L1 while it is filled. Four lines of contiguous depth go
    /// through 4 × 4 register transposes, four times fewer memory operations than element by element.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Transpose(
        ref double source, int lineStride, int depthStride, int lines, int depth, int panelWidth, ref double panel)
    {
        int line = 0;
        if (depthStride == 1 && Avx.IsSupported)
        {
            // Steps outside, line groups inside: each step block fills whole rows of the panel at once (written
            // once, while in L1) and reads every line a cache line at a time.
            int groups = lines / 4;
            int p = 0;
            for (; p <= depth - Block; p += Block)
            {
                for (int g = 0; g < groups; g++)
                {
                    ref double from = ref Unsafe.Add(ref source, ((nint)4 * g * lineStride) + p);
                    ref double to = ref Unsafe.Add(ref panel, ((nint)p * panelWidth) + (4 * g));
                    Transpose4x4(ref from, lineStride, ref to, panelWidth);
                    Transpose4x4(ref Unsafe.Add(ref from, 4), lineStride, ref Unsafe.Add(ref to, 4 * panelWidth),
                        panelWidth);
                }
            }
            for (; p < depth; p++)
            {
                for (int l = 0; l < 4 * groups; l++)
                {
                    Unsafe.Add(ref panel, ((nint)p * panelWidth) + l) = Unsafe.Add(ref source, ((nint)l * lineStride) + p);
                }
            }
            line = 4 * groups;
        }
        for (; line < lines; line++)
        {
            ref double from = ref Unsafe.Add(ref source, (nint)line * lineStride);
            ref double to = ref Unsafe.Add(ref panel, line);
            for (int p = 0; p < depth; p++)
            {
                Unsafe.Add(ref to, (nint)p * panelWidth) = Unsafe.Add(ref from, (nint)p * depthStride);
            }
        }
        if (lines < panelWidth)
        {
            for (int p = 0; p < depth; p++)
            {
                ZeroPadding(ref Unsafe.Add(ref panel, (nint)p * panelWidth), lines, panelWidth);
            }
        }
    }

    /// <summary>Steps per block of the transposing copy: one 64-byte cache line of each line.</summary>
    private const int Block = 8;

    /// <summary>A 4 × 4 block: <c>to[r · panelWidth + l] = from[l · lineStride + r]</c> for r, l = 0 … 3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4x4(ref double from, int lineStride, ref double to, int panelWidth)
    {
        var r0 = Vector256.LoadUnsafe(ref from);
        var r1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref from, lineStride));
        var r2 = Vector256.LoadUnsafe(ref Unsafe.Add(ref from, 2 * (nint)lineStride));
        var r3 = Vector256.LoadUnsafe(ref Unsafe.Add(ref from, 3 * (nint)lineStride));
        var even01 = Avx.UnpackLow(r0, r1);   // r0[0] r1[0] r0[2] r1[2]
        var odd01 = Avx.UnpackHigh(r0, r1);   // r0[1] r1[1] r0[3] r1[3]
        var even23 = Avx.UnpackLow(r2, r3);
        var odd23 = Avx.UnpackHigh(r2, r3);
        Avx.Permute2x128(even01, even23, 0x20).StoreUnsafe(ref to);
        Avx.Permute2x128(odd01, odd23, 0x20).StoreUnsafe(ref Unsafe.Add(ref to, panelWidth));
        Avx.Permute2x128(even01, even23, 0x31).StoreUnsafe(ref Unsafe.Add(ref to, 2 * (nint)panelWidth));
        Avx.Permute2x128(odd01, odd23, 0x31).StoreUnsafe(ref Unsafe.Add(ref to, 3 * (nint)panelWidth));
    }

    /// <summary>Zeroes <c>row[from .. width)</c>: the lanes of a partial panel beyond the last line.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ZeroPadding(ref double row, int from, int width)
    {
        int j = from;
        for (; j < width && j % Vector256<double>.Count != 0; j++)
        {
            Unsafe.Add(ref row, j) = 0;
        }
        for (; j <= width - Vector256<double>.Count; j += Vector256<double>.Count)
        {
            Vector256<double>.Zero.StoreUnsafe(ref row, (nuint)j);
        }
        for (; j < width; j++)
        {
            Unsafe.Add(ref row, j) = 0;
        }
    }
}
