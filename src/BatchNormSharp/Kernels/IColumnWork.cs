namespace BatchNormSharp.Kernels;

/// <summary>
/// Work on a row-major batch that splits into independent ranges of columns: every column's result depends only on
/// that column, so any split gives bit-identical results.
/// </summary>
internal interface IColumnWork
{
    /// <summary>Does the work for the columns <c>[firstColumn, endColumn)</c>, every row.</summary>
    void Run(int firstColumn, int endColumn);
}
