using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using BatchNormSharp.Kernels;

namespace BatchNormSharp.Benchmarks.Workloads;

/// <summary>
/// The memory traffic of BatchNorm's training forward and backward on a <c>[rows, features]</c> batch, with no
/// arithmetic to speak of: what the machine takes to move those bytes, the floor under
/// <see cref="BatchNormWorkload.ForwardBackward"/> in the same run.
/// </summary>
/// <remarks>
/// Five passes read and write what BatchNorm's do (the two statistics passes read x; normalisation reads x and
/// writes y; the gradient sums read dy and x; the input gradient reads dy and x and writes dx): nine sweeps of an
/// array. Each pass only adds, one row after another, vectorised, cut by whole rows on the library's pool (as
/// BatchNorm's element-wise passes are; its sums are cut by features, which the floor does not copy: it is the floor
/// of the traffic, not of the kernels' split). A batch of 16 MiB and more is not the floor of the kernels as they are
/// (they read its statistics once and stream its outputs), only of the plain passes.
/// </remarks>
internal sealed unsafe class BatchNormMemoryFloor
{
    private readonly double[] _x, _y, _dy, _dx;
    private readonly int _rows;

    public BatchNormMemoryFloor(int rows, int features)
    {
        if (rows < 1 || features < 1 || features % Vector512<double>.Count != 0)
        {
            throw new ArgumentException(
                $"Expected at least one row and a width that is a whole number of {Vector512<double>.Count}-double " +
                $"vectors (the passes have no scalar tail), but got {rows} × {features}.", nameof(features));
        }
        _rows = rows;
        _x = GC.AllocateArray<double>(rows * features, pinned: true); // pinned: the passes hold raw pointers
        _y = GC.AllocateArray<double>(rows * features, pinned: true);
        _dy = GC.AllocateArray<double>(rows * features, pinned: true);
        _dx = GC.AllocateArray<double>(rows * features, pinned: true);
        _x.AsSpan().Fill(1.0);
        _dy.AsSpan().Fill(0.5);
    }

    /// <summary>The five passes, as one forward and one backward.</summary>
    public void Run()
    {
        double* x = Address(_x), y = Address(_y), dy = Address(_dy), dx = Address(_dx);
        Sweep(x, null, null);
        Sweep(x, null, null);
        Sweep(x, null, y);
        Sweep(dy, x, null);
        Sweep(dy, x, dx);
    }

    private static double* Address(double[] array) => (double*)Marshal.UnsafeAddrOfPinnedArrayElement(array, 0);

    private void Sweep(double* a, double* b, double* output)
    {
        var pass = new Pass { A = a, B = b, Output = output, Length = _x.Length, Rows = _rows };
        long bytes = (long)_x.Length * sizeof(double) * (b == null ? 2 : 3); // as the kernels count for the split
        WorkerPool.Run(ref pass, WorkerPool.PartsFor(bytes, _rows));
    }

    /// <summary>Where a summing pass leaves its (meaningless) sum.</summary>
    private static double s_sink;

    /// <summary>One pass over a range of whole rows: sums <c>a</c> (plus <c>b</c>), or writes <c>a + b</c>.</summary>
    private struct Pass : IPartedWork
    {
        public double* A, B, Output;
        public long Length;
        public int Rows;

        public readonly void Run(int part, int parts)
        {
            long perRow = Length / Rows;
            long start = Rows * (long)part / parts * perRow, end = Rows * (long)(part + 1) / parts * perRow;
            var sum = Vector512<double>.Zero;
            for (long i = start; i < end; i += Vector512<double>.Count)
            {
                var value = Vector512.Load(A + i);
                if (B != null)
                {
                    value += Vector512.Load(B + i);
                }
                if (Output != null)
                {
                    value.Store(Output + i);
                }
                else
                {
                    sum += value;
                }
            }
            s_sink = Vector512.Sum(sum); // a store the JIT must keep, so the sum is not optimised away
        }
    }
}
