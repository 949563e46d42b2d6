namespace BatchNormSharp.Kernels;

/// <summary>The SIMD width, and with it the register tile, that <see cref="Gemm"/> computes with.</summary>
internal enum GemmVectorWidth
{
    /// <summary>AVX2: 4 doubles per vector, a 6 × 8 register tile (<see cref="GemmMicroKernel256"/>).</summary>
    Vector256,

    /// <summary>AVX-512: 8 doubles per vector, a 12 × 16 register tile (<see cref="GemmMicroKernel512"/>).</summary>
    Vector512,
}
