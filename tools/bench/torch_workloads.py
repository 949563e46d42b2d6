#!/usr/bin/env python3
"""PyTorch's side of compare-with-pytorch.sh: times the same workloads as the library's `--compare` runner.

Prints one JSON object of named figures (milliseconds per call unless the name says otherwise). Torch runs with its
default number of threads, in float64 like the library, plus the MLP step in float32 for reference. The timer is the
one of tests/BatchNormSharp.Benchmarks/Comparison/MedianTimer.cs: warm up for 0.5 s, group calls into samples of
about 5 ms, report the median sample divided by the calls in it.
"""
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


def iris(dtype):
    model = torch.nn.Sequential(
        torch.nn.Linear(4, 10), torch.nn.BatchNorm1d(10), torch.nn.ReLU(),
        torch.nn.Linear(10, 3), torch.nn.BatchNorm1d(3)).to(dtype)
    x = (torch.rand(32, 4, dtype=dtype) * 4 - 2) + 3
    return training_step(model, x, torch.randint(0, 3, (32,)))


def mlp(dtype):
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 256), torch.nn.BatchNorm1d(256), torch.nn.ReLU(),
        torch.nn.Linear(256, 128), torch.nn.BatchNorm1d(128), torch.nn.ReLU(),
        torch.nn.Linear(128, 10)).to(dtype)
    x = torch.rand(128, 784, dtype=dtype)
    return training_step(model, x, torch.randint(0, 10, (128,)))


def batchnorm(rows, features):
    layer = torch.nn.BatchNorm1d(features).double().train()
    x = ((torch.rand(rows, features, dtype=torch.float64) * 10 - 5) + 12).requires_grad_()
    dy = torch.rand(rows, features, dtype=torch.float64) * 2 - 1

    def forward():
        layer(x)

    def forward_backward():
        # dx, dgamma and dbeta as fresh tensors, as for a layer inside a network (no accumulation into x.grad).
        torch.autograd.grad(layer(x), [x, layer.weight, layer.bias], dy)

    return forward, forward_backward


def main():
    torch.manual_seed(0)
    results = {
        "iris_step_ms": median_ms(iris(torch.float64)),
        "mlp_step_ms": median_ms(mlp(torch.float64)),
        "mlp_step_ms_f32": median_ms(mlp(torch.float32)),
    }
    for rows, features in [(1024, 1024), (8192, 1024)]:
        forward, forward_backward = batchnorm(rows, features)
        results[f"bn_fwd_ms_{rows}x{features}"] = median_ms(forward)
        results[f"bn_fwdbwd_ms_{rows}x{features}"] = median_ms(forward_backward)
    for n in [256, 512, 1024]:
        a = torch.rand(n, n, dtype=torch.float64)
        b = torch.rand(n, n, dtype=torch.float64)
        results[f"mm_ms_{n}"] = median_ms(lambda: torch.mm(a, b))

    print(json.dumps({
        "torch": torch.__version__,
        "python": platform.python_version(),
        "threads": torch.get_num_threads(),
        "results": results,
    }, indent=2))


if __name__ == "__main__":
    main()
