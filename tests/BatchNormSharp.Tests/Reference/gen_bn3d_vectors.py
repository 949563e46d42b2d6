#!/usr/bin/python3
"""Generate PyTorch float64 reference vectors for BatchNorm1d on [N, C, L] inputs.

Usage: gen_bn3d_vectors.py OUTDIR
One JSON file per case, rank3_batchnorm1d_*.json (not batchnorm1d_*: those are [N, D] layer cases). Every tensor is stored flat, row-major
(element (n, c, l) at n*C*L + c*L + l). Statistics are per channel over batch and length,
exactly as torch.nn.BatchNorm1d: the batches in history_batches are fed in training mode
first (running statistics after several batches), then x in training mode with upstream
gradient dy, then x_eval in eval mode with upstream gradient dy_eval (frozen statistics).
"""
import json, os, sys
import torch

torch.set_default_dtype(torch.float64)


def flat(t):
    return t.detach().reshape(-1).tolist()


def case(name, shape, g, eps=1e-5, momentum=0.1, history=2, spread=5.0):
    n, c, l = shape
    r = lambda *s: torch.randn(*s, generator=g)
    data = lambda: spread * r(n, c, l) + 12  # non-zero mean, non-unit scale
    gamma, beta = r(c), r(c)
    rm, rv = r(c), r(c).abs() + 0.5
    bn = torch.nn.BatchNorm1d(c, eps=eps, momentum=momentum)
    with torch.no_grad():
        bn.weight.copy_(gamma); bn.bias.copy_(beta)
        bn.running_mean.copy_(rm); bn.running_var.copy_(rv)
    bn.train()
    history_batches = []
    for _ in range(history):
        xb = data()
        with torch.no_grad():
            bn(xb)
        history_batches.append(flat(xb))
    x = data().requires_grad_(True)
    dy = r(n, c, l)
    y = bn(x)
    y.backward(dy)
    out = dict(name=name, n=n, c=c, l=l, eps=eps, momentum=momentum,
               gamma=flat(gamma), beta=flat(beta), running_mean_in=flat(rm), running_var_in=flat(rv),
               history_batches=history_batches, x=flat(x), dy=flat(dy), y_train=flat(y), dx=flat(x.grad),
               dgamma=flat(bn.weight.grad), dbeta=flat(bn.bias.grad),
               running_mean_out=flat(bn.running_mean), running_var_out=flat(bn.running_var),
               num_batches_tracked=int(bn.num_batches_tracked))
    bn.eval(); bn.zero_grad()
    xe = data().requires_grad_(True)
    dye = r(n, c, l)
    ye = bn(xe)
    ye.backward(dye)
    out.update(x_eval=flat(xe), dy_eval=flat(dye), y_eval=flat(ye), dx_eval=flat(xe.grad),
               dgamma_eval=flat(bn.weight.grad), dbeta_eval=flat(bn.bias.grad))
    return out


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    g = torch.Generator().manual_seed(20261130)
    cases = [
        case('4x3x5', (4, 3, 5), g),
        case('n1_4x7', (1, 4, 7), g),          # a batch of one is fine when L > 1
        # N*L = 2: dx is eps/var times dy (the closed form cancels the rest), so two correct implementations
        # differ by about 2e-16 * var / eps relative; unit spread keeps that at 2e-11, below the 1e-10 limit.
        case('n1_2x2', (1, 2, 2), g, history=3, spread=1.0),
        case('8x5x16', (8, 5, 16), g),         # whole vectors of 8
        case('3x6x11', (3, 6, 11), g, momentum=None),  # a vector and a tail; cumulative average
        case('2x37x9', (2, 37, 9), g, eps=1e-3, momentum=0.3),
        case('16x2x1', (16, 2, 1), g),         # L = 1 given as rank 3
    ]
    for c in cases:
        with open(os.path.join(outdir, 'rank3_batchnorm1d_%s.json' % c['name']), 'w') as f:
            json.dump(c, f)
    print('wrote', len(cases), 'cases')


if __name__ == '__main__':
    main()
