#!/usr/bin/python3
"""PyTorch reference values and gradients of the losses (float64, reduction="mean").

Each case: kind (cross_entropy | bce_with_logits | mse), pos_weight (bce only, null for none), shape,
predictions, targets (class indices as numbers for cross_entropy), loss, grad (dL/dpredictions).
Usage: gen_loss_vectors.py OUTFILE   (seeded; rerunning reproduces the file)
"""
import json, sys
import torch
torch.set_default_dtype(torch.float64)
g = torch.Generator().manual_seed(1234)
r = lambda *s: torch.randn(*s, generator=g)
nn = torch.nn
cases = {}


def add(name, kind, x, t, pos_weight=None):
    x = x.clone().requires_grad_(True)
    if kind == 'cross_entropy':
        loss = nn.CrossEntropyLoss()(x, t)
    elif kind == 'bce_with_logits':
        pw = None if pos_weight is None else torch.tensor([pos_weight])
        loss = nn.BCEWithLogitsLoss(pos_weight=pw)(x, t)
    else:
        loss = nn.MSELoss()(x, t)
    loss.backward()
    cases[name] = dict(kind=kind, pos_weight=pos_weight, shape=list(x.shape), predictions=x.detach().tolist(),
                       targets=t.tolist(), loss=loss.item(), grad=x.grad.tolist())


add('ce_7x5', 'cross_entropy', 5 * r(7, 5) + 12, torch.randint(0, 5, (7,), generator=g))
add('ce_2x2', 'cross_entropy', 5 * r(2, 2) + 12, torch.tensor([1, 0]))
add('ce_4x3_large', 'cross_entropy', torch.tensor([[1e3, -1e3, 0.], [-800., 800., 799.], [0., 0., 0.], [3., 2., 1.]]),
    torch.tensor([1, 2, 0, 0]))
add('bce_8x1', 'bce_with_logits', 3 * r(8, 1), torch.randint(0, 2, (8, 1), generator=g).double())
add('bce_8_pos_weight', 'bce_with_logits', 3 * r(8) + 1, torch.randint(0, 2, (8,), generator=g).double(), 2.5)
extreme = torch.tensor([[800.], [-800.], [30.], [-30.], [0.], [1e-3], [-40.], [40.], [700.], [-700.], [5.], [-5.]])
extreme_t = torch.tensor([[1.], [0.], [0.], [1.], [1.], [0.], [0.], [1.], [0.], [1.], [0.3], [0.7]])
add('bce_extreme_12x1', 'bce_with_logits', extreme, extreme_t)
add('bce_extreme_12x1_pos_weight', 'bce_with_logits', extreme, extreme_t, 0.3)
add('bce_6x3_pos_weight', 'bce_with_logits', 4 * r(6, 3), torch.randint(0, 2, (6, 3), generator=g).double(), 4.0)
add('mse_9x3', 'mse', 5 * r(9, 3) + 12, 5 * r(9, 3) + 11)
add('mse_6', 'mse', r(6), r(6))
add('mse_5x1', 'mse', 2 * r(5, 1) - 3, 2 * r(5, 1))
json.dump(dict(torch=torch.__version__, cases=cases), open(sys.argv[1], 'w'), indent=1)
for k, v in cases.items():
    print(k, v['loss'])
