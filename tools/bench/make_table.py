#!/usr/bin/env python3
"""Sets the library's figures against PyTorch's and prints the Markdown table of compare-with-pytorch.sh.

Usage: make_table.py REPORT.json [REPORT.json ...]

Each report is one process of the run: torch_workloads.py (`"side": "torch"`, one thread count each) or the
library's `--compare` runner (`"side": "library"`, both thread counts and the FMA peak). Several reports with the
same figure are rounds of the same run: a time keeps its best (lowest) round, a peak its highest, which filters out
rounds disturbed by other work on the machine. A second table gives each time's range over the rounds, so that a
ratio near its bound can be read against the spread of the figures it comes from.

Every ratio is library time ÷ torch time at the same thread count (lower is better: 0.5 means the library takes
half torch's time), so every target reads "ratio ≤ bound". "At its best" compares each side's better thread count.

Adding a workload: one Row in ROWS, named as in torch_workloads.py and ComparisonRunner.cs. A row whose figures are
missing on both sides is left out, so rows for workloads still to come cost nothing.
"""
import json
import statistics
import sys
from dataclasses import dataclass

THREADS = ("1t", "2t")


@dataclass
class Row:
    label: str
    workload: str                  # the library's figure, <workload>_ms_<threads>
    torch_workload: str = None     # torch's figure, when it is another one (float32 for reference)
    bound: float = None            # target: library ÷ torch at their best ≤ bound
    target: str = "(reported)"


ROWS = [
    Row("Iris step (batch 32), float64", "iris_step", bound=1 / 30, target="≤ 1/30 of torch at its best"),
    Row("MLP step (batch 128), float64", "mlp_step", bound=0.7, target="≤ 0.7× torch at its best"),
    Row("MLP step: library float64 vs torch float32", "mlp_step", torch_workload="mlp_step_f32"),
    Row("BatchNorm forward 1024×1024", "bn_fwd_1024x1024"),
    Row("BatchNorm forward + backward 1024×1024", "bn_fwdbwd_1024x1024", bound=1 / 3,
        target="≥ 3× faster than torch at its best"),
    Row("BatchNorm forward 8192×1024", "bn_fwd_8192x1024"),
    Row("BatchNorm forward + backward 8192×1024", "bn_fwdbwd_8192x1024", bound=1 / 3,
        target="≥ 3× faster than torch at its best"),
    Row("LSTM step (batch 32, 30 steps, 1 → 64), float64", "lstm_step", bound=0.7,
        target="≤ 0.7× torch.nn.LSTM"),
    Row("BN-LSTM step (batch 32, 30 steps, 1 → 64), float64", "bnlstm_step", bound=0.5,
        target="≤ 0.5× the PyTorch BN-LSTM cell"),
]
MATRIX_SIZES = [256, 512, 1024]
PEAK_FRACTION = 0.85       # the library's one-thread product ≥ 85 % of the one-thread FMA peak
SECOND_CORE_GAIN = 0.80    # two threads ≥ 1.8× one thread


def load(paths):
    """Per side: the best value of every figure over the rounds, every round's value, and the reports themselves."""
    best = {"torch": {}, "library": {}}
    rounds = {"torch": {}, "library": {}}
    reports = {"torch": [], "library": []}
    for path in paths:
        with open(path) as file:
            report = json.load(file)
        side = report["side"]
        reports[side].append(report)
        for name, value in report["results"].items():
            keep = max if "gflops" in name else min
            best[side][name] = keep(value, best[side].get(name, value))
            rounds[side].setdefault(name, []).append(value)
    return best, rounds, reports


def spread_table(rounds):
    """Lines of the table of each target's times over the rounds: fastest–slowest, per side and thread count."""
    names = [(spec.label, spec.workload) for spec in ROWS if spec.bound is not None] + \
        [(f"Matrix product n={n} float64", f"mm_{n}") for n in MATRIX_SIZES]
    lines = []
    for label, name in names:
        cells = []
        for t in THREADS:
            for side in ("library", "torch"):
                values = rounds[side].get(f"{name}_ms_{t}")
                cells.append("—" if not values else
                             fmt_ms(values[0]) if len(values) == 1 else f"{fmt_ms(min(values))} – {fmt_ms(max(values))}")
        if any(cell != "—" for cell in cells):
            lines.append(f"| {label} | " + " | ".join(cells) + f" | {median_ratio(rounds, name)} |")
    return lines


def median_ratio(rounds, name):
    """Library ÷ torch on the medians over the rounds, each side at its better thread count (for a product, the
    worse of the two thread counts' ratios, as its target is judged at each): the ratio a single lucky or unlucky
    round does not decide."""
    medians = {side: [statistics.median(rounds[side][f"{name}_ms_{t}"]) if rounds[side].get(f"{name}_ms_{t}")
                      else None for t in THREADS] for side in ("library", "torch")}
    lib, torch = medians["library"], medians["torch"]
    if name.startswith("mm_"):
        ratios = [a / b for a, b in zip(lib, torch) if a is not None and b is not None]
        return f"{max(ratios):.3f}" if ratios else "—"
    lib_best = min((v for v in lib if v is not None), default=None)
    torch_best = min((v for v in torch if v is not None), default=None)
    return "—" if lib_best is None or torch_best is None else f"{lib_best / torch_best:.3f}"


def floor_row(spec, lib, torch_ms, row):
    """After a BatchNorm target: the library's figure of the same memory traffic with adds only (BatchNormMemoryFloor),
    next to the time the target allows, so that a run shows whether the bound was within the machine's reach."""
    if not spec.workload.startswith("bn_fwdbwd_") or spec.bound is None:
        return
    floor_ms = [lib.get(spec.workload.replace("bn_fwdbwd_", "bn_floor_") + f"_ms_{t}") for t in THREADS]
    torch_best = min((v for v in torch_ms if v is not None), default=None)
    if all(v is None for v in floor_ms) or torch_best is None:
        return
    row(["↳ its memory floor: the same 9 array sweeps, adds only", fmt_ms(floor_ms[0]), "", "",
         fmt_ms(floor_ms[1]), "", ""],
        f"(the machine; the target allows {fmt_ms(torch_best * spec.bound)})")


def fmt_ms(ms):
    if ms is None:
        return "—"
    if ms < 0.01:
        return f"{ms * 1e3:.2f} µs"
    if ms < 1:
        return f"{ms * 1e3:.0f} µs"
    return f"{ms:.2f} ms"


def fmt_ratio(a, b):
    return "—" if a is None or b is None else f"{a / b:.3f}"


def met(ok):
    return "yes" if ok else "**no**"


def main(paths):
    best, rounds_by_side, reports = load(paths)
    lib, torch = best["library"], best["torch"]
    lines = []

    def row(cells, target="", verdict=""):
        lines.append("| " + " | ".join(cells + [target, verdict]) + " |")

    for spec in ROWS:
        lib_ms = [lib.get(f"{spec.workload}_ms_{t}") for t in THREADS]
        torch_ms = [torch.get(f"{spec.torch_workload or spec.workload}_ms_{t}") for t in THREADS]
        if all(v is None for v in lib_ms + torch_ms):
            continue
        verdict = ""
        if spec.bound is not None:
            lib_best = min((v for v in lib_ms if v is not None), default=None)
            torch_best = min((v for v in torch_ms if v is not None), default=None)
            if lib_best is not None and torch_best is not None:
                ratio = lib_best / torch_best
                verdict = f"{met(ratio <= spec.bound)} ({ratio:.3f})"
        row([spec.label, fmt_ms(lib_ms[0]), fmt_ms(torch_ms[0]), fmt_ratio(lib_ms[0], torch_ms[0]),
             fmt_ms(lib_ms[1]), fmt_ms(torch_ms[1]), fmt_ratio(lib_ms[1], torch_ms[1])], spec.target, verdict)
        floor_row(spec, lib, torch_ms, row)

    peak = [lib.get(f"fma_peak_gflops_{t}") for t in THREADS]
    for n in MATRIX_SIZES:
        flops = 2.0 * n ** 3
        lib_ms = [lib.get(f"mm_{n}_ms_{t}") for t in THREADS]
        torch_ms = [torch.get(f"mm_{n}_ms_{t}") for t in THREADS]
        if all(v is None for v in lib_ms + torch_ms):
            continue

        def gflops(ms, p):
            if ms is None:
                return None, "—"
            value = flops / (ms * 1e6)
            return value, f"{value:.1f}" + (f" ({value / p:.0%})" if p else "")

        lib_g = [gflops(ms, p) for ms, p in zip(lib_ms, peak)]
        torch_g = [gflops(ms, p) for ms, p in zip(torch_ms, peak)]
        ratios = [None if a is None or b is None else a / b for a, b in zip(lib_ms, torch_ms)]
        verdict = "" if None in ratios else \
            f"{met(max(ratios) <= 1.0)} ({ratios[0]:.2f} / {ratios[1]:.2f})"
        row([f"Matrix product n={n} float64: GFLOP/s (% of FMA peak)", lib_g[0][1], torch_g[0][1],
             fmt_ratio(lib_ms[0], torch_ms[0]), lib_g[1][1], torch_g[1][1], fmt_ratio(lib_ms[1], torch_ms[1])],
            "≥ 1.0× torch.mm at each thread count", verdict)

        if None not in (lib_g[0][0], lib_g[1][0], peak[0]):
            fraction = lib_g[0][0] / peak[0]
            gain = lib_g[1][0] / lib_g[0][0] - 1
            row([f"Matrix product n={n}: library vs one-thread peak; gain of the second core", f"{fraction:.0%}",
                 "", "", f"{gain:+.0%}", "", ""],
                "≥ 85 % of peak; second core ≥ +80 %",
                f"{met(fraction >= PEAK_FRACTION and gain >= SECOND_CORE_GAIN)}")

    if None not in peak:
        row(["float64 FMA peak, measured (GFLOP/s)", f"{peak[0]:.1f}", "", "", f"{peak[1]:.1f}", "", ""],
            "(the machine)")

    alloc = [lib.get(f"{net}_step_alloc_bytes") for net in ("iris", "mlp")]
    if None not in alloc:
        row(["Bytes allocated per training step, Iris / MLP (whole process)", "", "", "",
             f"{alloc[0]:g} / {alloc[1]:g} B", "", ""], "0 B", met(alloc == [0, 0]))

    rounds = len(reports["library"])
    torch_report = reports["torch"][0] if reports["torch"] else {}
    lib_report = reports["library"][0] if reports["library"] else {}
    print(f"torch {torch_report.get('torch', '?')} on {', '.join(torch_report.get('blas', [])) or '?'} "
          f"(OpenBLAS core {torch_report.get('openblas_core') or '—'}; threads per run, torch / OpenBLAS: "
          + ", ".join(f"{r['torch_threads']} / {r['openblas_threads']}" for r in reports["torch"][:2])
          + f"); library on {lib_report.get('runtime', '?')}, 1T = KernelThreading.SingleThread, "
          f"2T = Automatic with {lib_report.get('processor_count', '?')} processors; "
          f"FMA peak from {lib_report.get('fma_vector_bits', '?')}-bit vectors, GEMM kernel "
          f"{lib_report.get('gemm_vector_bits', '?')}-bit; best of {rounds} round(s).\n")
    print("| workload | library 1T | torch 1T | ratio 1T | library 2T | torch 2T | ratio 2T | target | met? |")
    print("|---|---:|---:|---:|---:|---:|---:|---|---|")
    print("\n".join(lines))
    fractions = [2.0 * n ** 3 / (side[f"mm_{n}_ms_{t}"] * 1e6) / p for side in (lib, torch) for n in MATRIX_SIZES
                 for t, p in zip(THREADS, peak) if p and f"mm_{n}_ms_{t}" in side]
    if any(f > 1.0 for f in fractions):
        print("\n**Warning**: a matrix product ran above the measured FMA peak, so the peak was measured low: the "
              "machine was busy during the run (see the load above) and no figure of this run is reliable.")
    print("\nRatio = library time ÷ torch time at the same thread count (lower is better). "
          "\"At its best\": each side's better thread count. The figure in brackets after yes/no is the ratio judged.")
    if rounds > 1:
        print(f"\nEach target's times over the {rounds} rounds (fastest – slowest; the table above keeps the fastest), "
              "and the ratio of the medians over the rounds:\n")
        print("| workload | library 1T | torch 1T | library 2T | torch 2T | ratio of medians |")
        print("|---|---:|---:|---:|---:|---:|")
        print("\n".join(spread_table(rounds_by_side)))


if __name__ == "__main__":
    main(sys.argv[1:])
