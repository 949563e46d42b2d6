#!/usr/bin/env python3
"""Sets the library's figures against PyTorch's and prints the Markdown table of compare-with-pytorch.sh.

Usage: make_table.py TORCH_JSON [TORCH_JSON ...] -- LIBRARY_JSON [LIBRARY_JSON ...]
Several files per side are rounds of the same run: each figure keeps its best round (the lowest time, or the lowest
allocation), which filters out rounds disturbed by other work on the machine.

Ratios are library time ÷ torch time (lower is better), so every target reads "ratio ≤ bound".
"""
import json
import sys


def load_rounds(paths):
    rounds = [json.load(open(path)) for path in paths]
    best = {}
    for report in rounds:
        for name, value in report["results"].items():
            best[name] = min(value, best.get(name, value))
    return rounds[0], best


def fmt_ms(ms):
    if ms < 0.01:
        return f"{ms * 1e3:.2f} µs"
    if ms < 1:
        return f"{ms * 1e3:.0f} µs"
    return f"{ms:.2f} ms"


def main(argv):
    split = argv.index("--")
    torch_meta, torch = load_rounds(argv[:split])
    lib_meta, lib = load_rounds(argv[split + 1:])
    rows = []

    def time_row(workload, torch_ms, lib_ms, bound, target):
        ratio = lib_ms / torch_ms
        rows.append((workload, fmt_ms(torch_ms), fmt_ms(lib_ms), f"{ratio:.3f}", target, ratio <= bound))

    time_row("Iris step (batch 32), float64", torch["iris_step_ms"], lib["iris_step_ms"], 1 / 30,
             "≤ 1/30 (0.033)")
    time_row("MLP step (batch 128), float64", torch["mlp_step_ms"], lib["mlp_step_ms"], 0.7, "≤ 0.70")
    ratio32 = lib["mlp_step_ms"] / torch["mlp_step_ms_f32"]
    rows.append(("MLP step vs torch float32", fmt_ms(torch["mlp_step_ms_f32"]), fmt_ms(lib["mlp_step_ms"]),
                 f"{ratio32:.3f}", "(reported)", None))
    for shape in ["1024x1024", "8192x1024"]:
        rows.append((f"BatchNorm forward {shape}", fmt_ms(torch[f"bn_fwd_ms_{shape}"]),
                     fmt_ms(lib[f"bn_fwd_ms_{shape}"]),
                     f"{lib[f'bn_fwd_ms_{shape}'] / torch[f'bn_fwd_ms_{shape}']:.3f}", "(reported)", None))
        time_row(f"BatchNorm forward + backward {shape}", torch[f"bn_fwdbwd_ms_{shape}"],
                 lib[f"bn_fwdbwd_ms_{shape}"], 1 / 3, "≤ 1/3 (3× faster)")

    gbps = lib["bn_fwdbwd_bytes_8192x1024"] / (lib["bn_fwdbwd_ms_8192x1024_1t"] * 1e6)
    rows.append(("BatchNorm fwd + bwd 8192x1024, one thread: GB/s moved", "",
                 f"{gbps:.1f} GB/s ({fmt_ms(lib['bn_fwdbwd_ms_8192x1024_1t'])})", "", "≥ 12 GB/s", gbps >= 12))

    for n in [256, 512, 1024]:
        flops = 2.0 * n ** 3
        torch_gflops = flops / (torch[f"mm_ms_{n}"] * 1e6)
        lib_gflops = flops / (lib[f"mm_ms_{n}"] * 1e6)
        single_gflops = flops / (lib[f"mm_ms_{n}_1t"] * 1e6)
        ratio = lib[f"mm_ms_{n}"] / torch[f"mm_ms_{n}"]
        rows.append((f"matmul n={n} float64: GFLOP/s", f"{torch_gflops:.1f}", f"{lib_gflops:.1f}", f"{ratio:.3f}",
                     "≤ 0.77 (1.3× torch.mm)", ratio <= 1 / 1.3))
        rows.append((f"matmul n={n} float64, one thread: GFLOP/s", "", f"{single_gflops:.1f}", "", "≥ 80",
                     single_gflops >= 80))

    for net in ["iris", "mlp"]:
        here = lib[f"{net}_step_alloc_bytes"]
        everywhere = lib[f"{net}_step_alloc_bytes_all_threads"]
        rows.append((f"bytes allocated per {net.upper() if net == 'mlp' else 'Iris'} step (this thread / process)",
                     "", f"{here:g} / {everywhere:g} B", "", "0", here == 0 and everywhere == 0))

    print(f"torch {torch_meta['torch']} ({torch_meta['threads']} thread(s), its default), "
          f"{lib_meta['runtime']} ({lib_meta['processor_count']} cores available); "
          f"best of {len(argv[:split])} round(s) each.\n")
    print("| workload | torch | library | ratio (library ÷ torch) | target | met? |")
    print("|---|---:|---:|---:|---|:---:|")
    for workload, torch_cell, lib_cell, ratio, target, met in rows:
        mark = "" if met is None else ("yes" if met else "**no**")
        print(f"| {workload} | {torch_cell} | {lib_cell} | {ratio} | {target} | {mark} |")


if __name__ == "__main__":
    main(sys.argv[1:])
