#!/usr/bin/env python3
"""Checks one OpenBLAS core type for compare-with-pytorch.sh: are torch.mm's float64 products right, and how fast?

Run by the script once per candidate, in a fresh process whose environment already selects OpenBLAS and sets (or
unsets) OPENBLAS_CORETYPE: OpenBLAS reads it once, when it is loaded. Prints one JSON object:

  core          the kernels OpenBLAS really uses (openblas_get_corename): a name OpenBLAS does not accept as
                OPENBLAS_CORETYPE is silently replaced by its own detection, so the script must not trust the request
  blas          the BLAS library files mapped into this process (proof that torch calls OpenBLAS, not libblas3)
  deviation     the worst componentwise error of torch.mm against an 80-bit reference, max |C - R| / (|A|·|B|),
                over the plain and the two transposed products at odd sizes (edges of every kernel tile), on one and
                on two threads; a correct float64 product stays near k · 2^-53 (≈ 1e-14 here), a wrong kernel is ≈ 1
  gflops_512    torch.mm float64 n = 512 on one thread, GFLOP/s (to rank the candidates that are correct)

A kernel that the CPU cannot run dies with SIGILL: the script sees the exit status and drops the candidate.
"""
import ctypes
import json
import time

import numpy as np
import torch


def blas_files():
    files = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1]
            if "blas" in path or "lapack" in path:
                files.add(path)
    return sorted(files)


def openblas():
    """The OpenBLAS that torch loaded (dlopen by soname returns the copy already mapped), or None."""
    try:
        library = ctypes.CDLL("libopenblas.so.0")
        library.openblas_get_corename.restype = ctypes.c_char_p
        library.openblas_get_config.restype = ctypes.c_char_p
        return library
    except (OSError, AttributeError):
        return None


def deviation(m, n, k, transpose_a, transpose_b, seed):
    generator = torch.Generator().manual_seed(seed)
    a = torch.rand(k if transpose_a else m, m if transpose_a else k, dtype=torch.float64, generator=generator) * 2 - 1
    b = torch.rand(n if transpose_b else k, k if transpose_b else n, dtype=torch.float64, generator=generator) * 2 - 1
    op_a = a.t() if transpose_a else a
    op_b = b.t() if transpose_b else b
    product = torch.mm(op_a, op_b).numpy()  # a transposed view makes torch call dgemm with 'T'
    # The reference: numpy's own loops in 80-bit extended precision (no BLAS has a long-double product).
    a_ref = op_a.numpy().astype(np.longdouble)
    b_ref = op_b.numpy().astype(np.longdouble)
    reference = a_ref @ b_ref
    scale = np.abs(a_ref) @ np.abs(b_ref)
    return float(np.max(np.abs(product - reference) / scale))


def gflops(n, seconds=0.6):
    a = torch.rand(n, n, dtype=torch.float64)
    b = torch.rand(n, n, dtype=torch.float64)
    torch.mm(a, b)
    best = float("inf")
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        t0 = time.perf_counter()
        torch.mm(a, b)
        best = min(best, time.perf_counter() - t0)
    return 2.0 * n ** 3 / best / 1e9


def main():
    library = openblas()
    worst = 0.0
    for threads in (1, 2):
        torch.set_num_threads(threads)
        if library is not None:
            library.openblas_set_num_threads(threads)
        for seed, (transpose_a, transpose_b) in enumerate([(False, False), (True, False), (False, True)]):
            worst = max(worst, deviation(203, 197, 259, transpose_a, transpose_b, seed))
    torch.set_num_threads(1)
    if library is not None:
        library.openblas_set_num_threads(1)
    print(json.dumps({
        "core": library.openblas_get_corename().decode() if library else None,
        "config": library.openblas_get_config().decode() if library else None,
        "blas": blas_files(),
        "deviation": worst,
        "gflops_512": gflops(512),
    }))


if __name__ == "__main__":
    main()
