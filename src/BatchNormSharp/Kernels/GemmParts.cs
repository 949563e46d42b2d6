namespace BatchNormSharp.Kernels;

/// <summary>
/// One matrix product cut into fixed slices of C for <see cref="WorkerPool"/>: whole register tiles along the longer
/// side of C, so that each slice is as square as possible. Each part packs its own panels and writes only its own
/// slice, and every element of C is computed by the same FMA sequence whichever part owns it (see
/// <see cref="GemmBlocking"/>), so the product is bit-identical for any number of parts or threads.
/// </summary>
internal unsafe struct GemmParts : IPartedWork
{
    private readonly GemmProblem _problem;
    private readonly double* _a;
    private readonly double* _b;
    private readonly double* _c;
    private readonly int _aLength;
    private readonly int _bLength;
    private readonly int _cLength;

    /// <summary>The product over the pinned operands <paramref name="a"/>, <paramref name="b"/> and <paramref name="c"/>.</summary>
    public GemmParts(in GemmProblem problem, double* a, int aLength, double* b, int bLength, double* c, int cLength)
    {
        _problem = problem;
        _a = a;
        _aLength = aLength;
        _b = b;
        _bLength = bLength;
        _c = c;
        _cLength = cLength;
    }

    /// <summary>The most slices a product can be cut into: one per register tile along the longer side of C.</summary>
    public static int FinestParts(in GemmProblem problem) => problem.N >= problem.M
        ? Tiles(problem.N, GemmMicroKernel.TileColumns(problem.Width))
        : Tiles(problem.M, GemmMicroKernel.TileRows(problem.Width));

    /// <inheritdoc/>
    public readonly void Run(int part, int parts)
    {
        var a = new ReadOnlySpan<double>(_a, _aLength);
        var b = new ReadOnlySpan<double>(_b, _bLength);
        var c = new Span<double>(_c, _cLength);
        if (_problem.N >= _problem.M)
        {
            (int start, int end) = Slice(_problem.N, GemmMicroKernel.TileColumns(_problem.Width), parts, part);
            GemmBlocking.MultiplyRegion(_problem, a, b, c, 0, _problem.M, start, end);
        }
        else
        {
            (int start, int end) = Slice(_problem.M, GemmMicroKernel.TileRows(_problem.Width), parts, part);
            GemmBlocking.MultiplyRegion(_problem, a, b, c, start, end, 0, _problem.N);
        }
    }

    private static int Tiles(int length, int tile) => (length + tile - 1) / tile;

    /// <summary>The bounds of slice <paramref name="part"/> when <paramref name="length"/> is cut into whole tiles.</summary>
    private static (int Start, int End) Slice(int length, int tile, int parts, int part)
    {
        int tiles = Tiles(length, tile);
        int start = Math.Min(length, tiles * part / parts * tile);
        int end = Math.Min(length, tiles * (part + 1) / parts * tile);
        return (start, end);
    }
}
