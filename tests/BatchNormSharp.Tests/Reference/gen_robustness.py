#!/usr/bin/python3
"""Generate PyTorch references for the numerical-robustness tests (float64): features with a mean of 1e6 and a
spread of 1e-3, where PyTorch's own rounding is visible.

Usage: gen_robustness.py OUTDIR
Writes robustness_*.json in the fields of gen_bn_edge_cases.py (one BatchNorm1d training step with backward, then
eval). The names do not start with batchnorm1d_, so BatchNormReferenceTests (limit 1e-10) does not run them:
Hardening/NumericalRobustnessTests.cs compares them with a limit derived from PyTorch's rounding at this offset.
Deterministic: fixed seed, one thread.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import json  # noqa: E402
import torch  # noqa: E402
from gen_bn_edge_cases import case  # noqa: E402  (sets float64 and one thread)


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    g = torch.Generator().manual_seed(20260505)
    r = lambda *s: torch.randn(*s, generator=g)
    data = lambda n, d: r(n, d) * 1e-3 + 1e6
    cases = [
        # The default eps (1e-5) exceeds the variance (1e-6): x-hat has variance v / (v + eps), about 0.09.
        case('robustness_offset_1e6_spread_1e-3', data(32, 4), r(32, 4), gamma=r(4), beta=r(4),
             x_eval=data(5, 4), dy_eval=r(5, 4)),
        # A tiny eps: x-hat has unit variance, and 1 / sigma = 1e3 magnifies every rounding of x - mean.
        case('robustness_offset_1e6_spread_1e-3_eps_1e-12', data(13, 3), r(13, 3), eps=1e-12, gamma=r(3),
             beta=r(3)),
    ]
    for c in cases:
        with open(os.path.join(outdir, c['name'].replace('edge_', '') + '.json'), 'w') as f:
            json.dump(c, f)


if __name__ == '__main__':
    main()
