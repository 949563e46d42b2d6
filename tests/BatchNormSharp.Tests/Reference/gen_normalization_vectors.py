"""Reference vectors for NormalizationFunctions: Keras's Normalization layer arithmetic evaluated by numpy in float64.

keras/src/layers/preprocessing/normalization.py adapts an array with np.mean and np.var (the biased variance, ddof=0)
and calls (x - mean) / maximum(sqrt(variance), backend.epsilon()) with epsilon() = 1e-7. numpy is what Keras itself
runs in adapt(), so these are Keras's statistics; the forward is the same expression in float64.

Run: /usr/bin/python3 gen_normalization_vectors.py  (writes normalization_keras.json beside this file)
"""
import json
import os

import numpy as np

EPS = 1e-7


def case(name, adapt, x):
    mean = np.mean(adapt, axis=0)
    var = np.var(adapt, axis=0)
    scale = np.maximum(np.sqrt(var), EPS)
    y = (x - mean) / scale
    return {
        "name": name,
        "rows": int(adapt.shape[0]), "columns": int(adapt.shape[1]), "x_rows": int(x.shape[0]),
        "adapt": adapt.ravel().tolist(), "x": x.ravel().tolist(),
        "mean": mean.tolist(), "variance": var.tolist(), "unbiased_variance": np.var(adapt, axis=0, ddof=1).tolist(),
        "y": y.ravel().tolist(),
    }


rng = np.random.default_rng(12)
cases = [
    case("randn_5x_plus_12_7x5", 5 * rng.standard_normal((7, 5)) + 12, 5 * rng.standard_normal((4, 5)) + 12),
    case("two_rows_1", rng.standard_normal((2, 1)) * 3 - 2, rng.standard_normal((3, 1))),
    case("offset_1e6_spread_1e-3_40x3", 1e6 + 1e-3 * rng.standard_normal((40, 3)), 1e6 + 1e-3 * rng.standard_normal((5, 3))),
    case("constant_and_tiny_columns_6x3",
         np.column_stack([np.full(6, 4.0), 1e-9 * rng.standard_normal(6), rng.standard_normal(6)]),
         np.column_stack([np.array([4.0, 5.0]), 1e-9 * rng.standard_normal(2), rng.standard_normal(2)])),
    case("penguin_like_scales_33x4",
         np.column_stack([44 + 5 * rng.standard_normal(33), 17 + 2 * rng.standard_normal(33),
                          200 + 14 * rng.standard_normal(33), 4200 + 800 * rng.standard_normal(33)]),
         np.column_stack([44 + 5 * rng.standard_normal(6), 17 + 2 * rng.standard_normal(6),
                          200 + 14 * rng.standard_normal(6), 4200 + 800 * rng.standard_normal(6)])),
]

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "normalization_keras.json")
with open(out, "w") as f:
    json.dump({"epsilon": EPS, "numpy": np.__version__, "cases": cases}, f, indent=1)
print("wrote", out, len(cases), "cases")
