#!/usr/bin/python3
"""Generate PyTorch reference vectors for BatchNorm1d edge cases (float64).

Usage: gen_bn_edge_cases.py OUTDIR
Same JSON fields as gen_bn_vectors.py, so the same test runs both, plus two flags:
`affine` and `track_running_stats` (absent means true). Without affine, gamma, beta and their
gradients are null; without running statistics, the running_* fields and num_batches_tracked are null
and inference mode normalises with the statistics of the batch, as PyTorch does.
`momentum` may be null (cumulative moving average). History batches may differ in size.
Deterministic: one generator, fixed seed, cases drawn in a fixed order.
"""
import json, sys, os
import torch

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)  # one summation order, whatever the machine


def tl(t):
    return None if t is None else t.detach().tolist()


def case(name, x, dy, eps=1e-5, momentum=0.1, gamma=None, beta=None, rm=None, rv=None,
         affine=True, track=True, steps=None, x_eval=None, dy_eval=None):
    N, D = x.shape
    bn = torch.nn.BatchNorm1d(D, eps=eps, momentum=momentum, affine=affine, track_running_stats=track)
    with torch.no_grad():
        if affine:
            bn.weight.copy_(gamma if gamma is not None else torch.ones(D))
            bn.bias.copy_(beta if beta is not None else torch.zeros(D))
        if track:
            bn.running_mean.copy_(rm if rm is not None else torch.zeros(D))
            bn.running_var.copy_(rv if rv is not None else torch.ones(D))
    rm_in, rv_in = (tl(bn.running_mean), tl(bn.running_var)) if track else (None, None)
    bn.train()
    history = []
    for xb in (steps or []):
        with torch.no_grad():
            bn(xb)
        history.append(tl(xb))
    xin = x.clone().requires_grad_(True)
    y = bn(xin)
    y.backward(dy)
    grad = lambda p: None if p is None else tl(p.grad)
    out = dict(name=name, N=N, D=D, eps=eps, momentum=momentum, affine=affine, track_running_stats=track,
               gamma=tl(bn.weight), beta=tl(bn.bias),
               running_mean_in=rm_in, running_var_in=rv_in,
               history_batches=history,
               x=tl(x), dy=tl(dy), y_train=tl(y), dx=tl(xin.grad),
               dgamma=grad(bn.weight), dbeta=grad(bn.bias),
               running_mean_out=tl(bn.running_mean), running_var_out=tl(bn.running_var),
               num_batches_tracked=int(bn.num_batches_tracked) if track else None)
    bn.eval()
    bn.zero_grad(set_to_none=True)
    xe = (x_eval if x_eval is not None else x).clone().requires_grad_(True)
    ye = bn(xe)
    dye = dy_eval if dy_eval is not None else (dy if x_eval is None else torch.ones_like(ye))
    ye.backward(dye)
    out.update(x_eval=tl(xe), y_eval=tl(ye), dy_eval=tl(dye), dx_eval=tl(xe.grad),
               dgamma_eval=grad(bn.weight), dbeta_eval=grad(bn.bias))
    return out


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    g = torch.Generator().manual_seed(20240611)
    r = lambda *s: torch.randn(*s, generator=g)
    data = lambda n, d, mean=12.0, spread=5.0: r(n, d) * spread + mean
    cases = [
        # Smallest legal batch: N = 2 (training normalises each feature to about +-1), one feature.
        case('edge_n2_d1', data(2, 1), r(2, 1), gamma=r(1), beta=r(1),
             steps=[data(2, 1), data(2, 1)], x_eval=data(3, 1), dy_eval=r(3, 1)),
        # At N = 2, dx = dy * gamma/sigma * eps/(sigma^2 + eps) per feature up to sign: the closed form cancels all
        # but eps/sigma^2 of dy, so any two implementations differ by about 2e-16 * sigma^2/eps relative. Unit
        # spread keeps that below 1e-10; with spread 5 it is 5e-10 (see README.md).
        case('edge_n2_d5', data(2, 5, 3.0, 1.0), r(2, 5), gamma=r(5), beta=r(5), steps=[data(2, 5, 3.0, 1.0)]),
        case('edge_n3_d1', data(3, 1), r(3, 1)),
        # Large offset, tiny spread: E[x^2] - E[x]^2 loses every digit here; two-pass variance does not.
        case('edge_offset_1e4_spread_1e-2', data(16, 4, 1e4, 1e-2), r(16, 4), gamma=r(4), beta=r(4),
             momentum=None, steps=[data(16, 4, 1e4, 1e-2) for _ in range(3)],
             x_eval=data(5, 4, 1e4, 1e-2), dy_eval=r(5, 4)),
        case('edge_offset_neg1e6_spread_1', data(8, 3, -1e6, 1.0), r(8, 3), gamma=r(3), beta=r(3)),
        # Variance below eps: where eps sits (inside the root) decides the output.
        case('edge_spread_1e-3_below_eps', data(10, 3, 0.5, 1e-3), r(10, 3), gamma=r(3), beta=r(3)),
        # A constant feature: zero variance, normalised by sqrt(eps) alone.
        case('edge_constant_feature', torch.cat([data(6, 1), torch.full((6, 1), 7.0), data(6, 1)], 1),
             r(6, 3), gamma=r(3), beta=r(3)),
        # Features of very different scales in one batch.
        case('edge_mixed_scales_24x7', r(24, 7) * torch.logspace(-3, 3, 7) + torch.linspace(-50, 50, 7),
             r(24, 7), gamma=r(7), beta=r(7), steps=[r(24, 7) * torch.logspace(-3, 3, 7)]),
        # momentum None: cumulative average over batches of different sizes; the first replaces 0 / 1.
        case('edge_momentum_none', data(6, 4), r(6, 4), momentum=None, gamma=r(4), beta=r(4),
             steps=[data(5, 4), data(9, 4), data(3, 4)], x_eval=data(4, 4), dy_eval=r(4, 4)),
        case('edge_momentum_0', data(7, 5), r(7, 5), momentum=0.0, gamma=r(5), beta=r(5),
             rm=r(5), rv=r(5).abs() + 0.5, steps=[data(7, 5)]),
        case('edge_momentum_1', data(7, 5), r(7, 5), momentum=1.0, gamma=r(5), beta=r(5),
             steps=[data(7, 5)], x_eval=data(3, 5), dy_eval=r(3, 5)),
        case('edge_affine_false', data(7, 5), r(7, 5), affine=False, steps=[data(7, 5)],
             x_eval=data(4, 5), dy_eval=r(4, 5)),
        # No running statistics: inference also normalises with the batch statistics.
        case('edge_no_running_stats', data(7, 5), r(7, 5), track=False, gamma=r(5), beta=r(5),
             x_eval=data(4, 5), dy_eval=r(4, 5)),
        case('edge_no_running_stats_no_affine', data(5, 3), r(5, 3), track=False, affine=False, momentum=None),
        case('edge_eps_large', data(9, 4), r(9, 4), eps=0.5, gamma=r(4), beta=r(4), steps=[data(9, 4)]),
        # Wider than a vector and not a multiple of its width; longer batches.
        case('edge_wide_33x37', data(33, 37), r(33, 37), gamma=r(37), beta=r(37), steps=[data(33, 37)]),
        case('edge_long_1000x3', data(1000, 3, -3.0, 0.1), r(1000, 3), gamma=r(3), beta=r(3),
             rm=r(3), rv=r(3).abs() + 0.1),
    ]
    # Added later, at the end so that the cases above keep their draws. Batch sizes that are not powers of two at
    # a large offset: the mean must be sum / N, as PyTorch computes it; sum * (1/N) can be one unit in the last
    # place off, which moves y by 1e-10 and dgamma by up to 8e-9 in four of these five.
    cases += [case(f'edge_offset_1e4_spread_1e-2_n{n}', data(n, 8, 1e4, 1e-2), r(n, 8), gamma=r(8), beta=r(8))
              for n in (5, 7, 9, 11, 13)]
    for c in cases:
        with open(os.path.join(outdir, f"batchnorm1d_{c['name']}.json"), 'w') as f:
            json.dump(c, f)
    print(len(cases), 'cases ->', outdir)


if __name__ == '__main__':  # importable: gen_robustness.py reuses case()
    main()
