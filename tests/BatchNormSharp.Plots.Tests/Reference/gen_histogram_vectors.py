#!/usr/bin/env python3
"""Reference histograms from numpy.histogram(values, bins) for BatchNormSharp.Plots' Histogram tests.

Run with Debian's python3-numpy:  /usr/bin/python3 gen_histogram_vectors.py > histogram_vectors.json
Every double is written with repr(), so the C# side reads back the same bits.
"""
import json
import sys

import numpy as np

rng = np.random.default_rng(20261130)
cases = []


def add(name, values, bins):
    values = np.asarray(values, dtype=np.float64)
    counts, edges = np.histogram(values, bins)
    cases.append({
        "name": name,
        "bins": int(bins),
        "values": [float(v) for v in values],
        "edges": [float(e) for e in edges],
        "counts": [int(c) for c in counts],
    })


# The seed notebook's data: 500 rows from N(-2, 1) and 500 from N(2, 1), pooled.
mixture = np.concatenate([rng.normal(-2.0, 1.0, 500), rng.normal(2.0, 1.0, 500)])
add("mixture_of_gaussians_50_bins", mixture, 50)
add("mixture_of_gaussians_10_bins", mixture, 10)
add("mixture_tanh_50_bins", np.tanh(mixture), 50)
add("normal_7_bins", rng.normal(0.0, 1.0, 200), 7)
add("scaled_shifted_13_bins", 5.0 * rng.normal(size=300) + 12.0, 13)
add("uniform_one_bin", rng.uniform(-1, 1, 50), 1)
add("more_bins_than_values", rng.normal(size=5), 20)
add("single_value", [3.25], 10)
add("all_equal", [7.0] * 9, 4)
add("all_equal_zero", [0.0, 0.0, 0.0], 3)
add("all_equal_negative", [-2.5] * 4, 5)
# Values exactly on the linspace edges: the last bin is closed, the others half-open.
add("integers_on_edges_10_bins", np.arange(11.0), 10)
add("integers_on_edges_5_bins", np.arange(11.0), 5)
add("integers_on_edges_3_bins", np.arange(10.0), 3)
edges = np.linspace(-1.3, 2.9, 8)
add("values_equal_to_inexact_edges", np.concatenate([edges, edges[1:-1], [0.1, 0.2, 0.3]]), 7)
add("tenths_on_edges", np.round(np.arange(0.0, 1.0001, 0.1), 10), 10)
add("thirds_on_edges", np.arange(0, 31) / 3.0, 30)
# Hard cases for the index computation: a large offset with a small spread, and a tiny range.
add("large_offset_small_spread", 1e6 + 1e-3 * rng.normal(size=400), 17)
add("tiny_range", 1.0 + 1e-12 * rng.uniform(size=100), 9)
add("negative_values", -rng.exponential(3.0, 150), 11)
add("wide_range", np.concatenate([rng.normal(size=50) * 1e150, [1e150, -1e150]]), 23)
add("many_bins", rng.normal(size=2000), 997)

json.dump({"generator": "numpy " + np.__version__, "cases": cases}, sys.stdout)
sys.stdout.write("\n")
