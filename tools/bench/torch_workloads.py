#!/usr/bin/env python3
"""PyTorch's side of compare-with-pytorch.sh: times the same workloads as the library's `--compare` runner.

Usage: torch_workloads.py --threads T      (run by the script with the BLAS and OPENBLAS_CORETYPE already chosen)

Prints one JSON object: how torch was set up (version, threads, the BLAS files really mapped, OpenBLAS's core and
threads) and one figure per workload, named `<workload>_ms_<T>t` (milliseconds per call). The timer is the one of
tests/BatchNormSharp.Benchmarks/Comparison/MedianTimer.cs: warm up for 0.5 s, group calls into samples of about
5 ms, report the median sample divided by the calls in it.

Adding a workload: write a function that builds its inputs and returns the call to time, and add it to WORKLOADS
under the same name as the library's side (ComparisonRunner.cs) and make_table.py's row.
"""
import argparse
import ctypes
import json
import platform
import statistics
import time

import torch
import torch.nn.functional as F

WARMUP_SECONDS = 0.5
SAMPLE_MILLISECONDS = 5.0
SAMPLES = 21
MAX_MEASURE_SECONDS = 3.0


def median_ms(operation):
    start = time.perf_counter()
    calls = 0
    while calls < 2 or time.perf_counter() - start < WARMUP_SECONDS:
        operation()
        calls += 1
    per_call_ms = (time.perf_counter() - start) * 1e3 / calls
    calls_per_sample = max(1, int(-(-SAMPLE_MILLISECONDS // per_call_ms)))

    times = []
    measuring = time.perf_counter()
    while len(times) < SAMPLES and (len(times) < 3 or time.perf_counter() - measuring < MAX_MEASURE_SECONDS):
        t0 = time.perf_counter()
        for _ in range(calls_per_sample):
            operation()
        times.append((time.perf_counter() - t0) * 1e3 / calls_per_sample)
    return statistics.median(times)


def training_step(model, x, labels):
    """zero_grad, forward, cross-entropy, backward, SGD-momentum step: the library's TrainingStep.Run."""
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def step():
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), labels)
        loss.backward()
        optimizer.step()

    return step


def iris_step(dtype=torch.float64):
    model = torch.nn.Sequential(
        torch.nn.Linear(4, 10), torch.nn.BatchNorm1d(10), torch.nn.ReLU(),
        torch.nn.Linear(10, 3), torch.nn.BatchNorm1d(3)).to(dtype)
    x = (torch.rand(32, 4, dtype=dtype) * 4 - 2) + 3
    return training_step(model, x, torch.randint(0, 3, (32,)))


def mlp_step(dtype=torch.float64):
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 256), torch.nn.BatchNorm1d(256), torch.nn.ReLU(),
        torch.nn.Linear(256, 128), torch.nn.BatchNorm1d(128), torch.nn.ReLU(),
        torch.nn.Linear(128, 10)).to(dtype)
    x = torch.rand(128, 784, dtype=dtype)
    return training_step(model, x, torch.randint(0, 10, (128,)))


def batchnorm(rows, features, backward):
    layer = torch.nn.BatchNorm1d(features).double().train()
    x = ((torch.rand(rows, features, dtype=torch.float64) * 10 - 5) + 12).requires_grad_()
    dy = torch.rand(rows, features, dtype=torch.float64) * 2 - 1
    if not backward:
        return lambda: layer(x)
    # dx, dgamma and dbeta as fresh tensors, as for a layer inside a network (no accumulation into x.grad).
    return lambda: torch.autograd.grad(layer(x), [x, layer.weight, layer.bias], dy)


def matrix_product(n):
    a = torch.rand(n, n, dtype=torch.float64)
    b = torch.rand(n, n, dtype=torch.float64)
    return lambda: torch.mm(a, b)


# name -> function that builds the inputs and returns the call to time. The names are the library's.
def lstm_step(batch_normalised):
    """A recurrent regressor's training step (torch_lstm_workloads.py; imported here because it takes its timer from
    this file)."""
    import torch_lstm_workloads as lstm
    body = lstm.SeedBnLstm(lstm.INPUT, lstm.HIDDEN) if batch_normalised else lstm.TorchLstm()
    return lstm.training_step(body)


WORKLOADS = {
    "iris_step": iris_step,
    "mlp_step": mlp_step,
    "mlp_step_f32": lambda: mlp_step(torch.float32),
    "bn_fwd_1024x1024": lambda: batchnorm(1024, 1024, backward=False),
    "bn_fwdbwd_1024x1024": lambda: batchnorm(1024, 1024, backward=True),
    "bn_fwd_8192x1024": lambda: batchnorm(8192, 1024, backward=False),
    "bn_fwdbwd_8192x1024": lambda: batchnorm(8192, 1024, backward=True),
    "mm_256": lambda: matrix_product(256),
    "mm_512": lambda: matrix_product(512),
    "mm_1024": lambda: matrix_product(1024),
    "lstm_step": lambda: lstm_step(batch_normalised=False),   # batch 32, 30 steps, 1 input, hidden 64
    "bnlstm_step": lambda: lstm_step(batch_normalised=True),  # the seed's cell: a BatchNorm per gate
}


def openblas_state():
    """OpenBLAS's core and thread count as torch meets them, or None when torch is not on OpenBLAS."""
    try:
        library = ctypes.CDLL("libopenblas.so.0")  # the copy torch already mapped, if any
        library.openblas_get_corename.restype = ctypes.c_char_p
        return library, library.openblas_get_corename().decode()
    except (OSError, AttributeError):
        return None, None


def blas_files():
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps}
    return sorted(path for path in paths if "blas" in path or "lapack" in path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, required=True, help="torch's and OpenBLAS's thread count")
    parser.add_argument("--only", nargs="*", help="workload names to run (default: all)")
    args = parser.parse_args()

    # Torch's own kernels (BatchNorm, elementwise) use OpenMP; OpenBLAS's pthread build has its own pool, which
    # torch.set_num_threads does not reach: the script also sets OPENBLAS_NUM_THREADS, and this makes sure.
    torch.set_num_threads(args.threads)
    library, core = openblas_state()
    if library is not None:
        library.openblas_set_num_threads(args.threads)

    torch.manual_seed(0)
    results = {}
    for name, build in WORKLOADS.items():
        if args.only and name not in args.only:
            continue
        results[f"{name}_ms_{args.threads}t"] = median_ms(build())

    print(json.dumps({
        "side": "torch",
        "torch": torch.__version__,
        "python": platform.python_version(),
        "threads": args.threads,
        "torch_threads": torch.get_num_threads(),
        "openblas_threads": library.openblas_get_num_threads() if library is not None else None,
        "openblas_core": core,
        "blas": blas_files(),
        "results": results,
    }, indent=2))


if __name__ == "__main__":
    main()
