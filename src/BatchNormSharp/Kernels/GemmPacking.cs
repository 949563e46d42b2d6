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
        for (int first = 0; first < count; first += panelWidth)
        {
            int lines = Math.Min(panelWidth, count - first);
            ref double source = ref Unsafe.Add(ref origin, (nint)first * lineStride);
            if (lineStride == 1)
            {
                CopyRuns(ref source, depthStride, lines, depth, panelWidth, ref panel);
            }
            else
            {
                Transpose(ref source, lineStride, depthStride, lines, depth, panelWidth, ref panel);
            }
            panel = ref Unsafe.Add(ref panel, (nint)panelWidth * depth);
        }
    }

    /// <summary>The lines are adjacent in memory: each step p is one contiguous run, copied with vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyRuns(
        ref double source, int depthStride, int lines, int depth, int panelWidth, ref double panel)
    {
        for (int p = 0; p < depth; p++)
        {
            ref double from = ref Unsafe.Add(ref source, (nint)p * depthStride);
            ref double to = ref Unsafe.Add(ref panel, (nint)p * panelWidth);
            int j = 0;
            for (; j <= lines - Vector256<double>.Count; j += Vector256<double>.Count)
            {
                Vector256.LoadUnsafe(ref from, (nuint)j).StoreUnsafe(ref to, (nuint)j);
            }
            for (; j < lines; j++)
            {
                Unsafe.Add(ref to, j) = Unsafe.Add(ref from, j);
            }
            ZeroPadding(ref to, lines, panelWidth);
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
            for (; line <= lines - 4; line += 4)
            {
                Transpose4Lines(ref Unsafe.Add(ref source, (nint)line * lineStride), lineStride, depth, panelWidth,
                    ref Unsafe.Add(ref panel, line));
            }
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

    /// <summary>Four lines with contiguous depth, <c>to[p · panelWidth + r] = line r[p]</c> for r = 0 … 3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4Lines(ref double from, int lineStride, int depth, int panelWidth, ref double to)
    {
        ref double line0 = ref from;
        ref double line1 = ref Unsafe.Add(ref from, lineStride);
        ref double line2 = ref Unsafe.Add(ref from, 2 * (nint)lineStride);
        ref double line3 = ref Unsafe.Add(ref from, 3 * (nint)lineStride);
        int p = 0;
        for (; p <= depth - 4; p += 4)
        {
            var r0 = Vector256.LoadUnsafe(ref line0, (nuint)p);
            var r1 = Vector256.LoadUnsafe(ref line1, (nuint)p);
            var r2 = Vector256.LoadUnsafe(ref line2, (nuint)p);
            var r3 = Vector256.LoadUnsafe(ref line3, (nuint)p);
            var even01 = Avx.UnpackLow(r0, r1);   // r0[0] r1[0] r0[2] r1[2]
            var odd01 = Avx.UnpackHigh(r0, r1);   // r0[1] r1[1] r0[3] r1[3]
            var even23 = Avx.UnpackLow(r2, r3);
            var odd23 = Avx.UnpackHigh(r2, r3);
            ref double row = ref Unsafe.Add(ref to, (nint)p * panelWidth);
            Avx.Permute2x128(even01, even23, 0x20).StoreUnsafe(ref row);
            Avx.Permute2x128(odd01, odd23, 0x20).StoreUnsafe(ref Unsafe.Add(ref row, panelWidth));
            Avx.Permute2x128(even01, even23, 0x31).StoreUnsafe(ref Unsafe.Add(ref row, 2 * (nint)panelWidth));
            Avx.Permute2x128(odd01, odd23, 0x31).StoreUnsafe(ref Unsafe.Add(ref row, 3 * (nint)panelWidth));
        }
        for (; p < depth; p++)
        {
            ref double row = ref Unsafe.Add(ref to, (nint)p * panelWidth);
            row = Unsafe.Add(ref line0, p);
            Unsafe.Add(ref row, 1) = Unsafe.Add(ref line1, p);
            Unsafe.Add(ref row, 2) = Unsafe.Add(ref line2, p);
            Unsafe.Add(ref row, 3) = Unsafe.Add(ref line3, p);
        }
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
