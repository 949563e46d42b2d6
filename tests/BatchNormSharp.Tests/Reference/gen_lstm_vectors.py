#!/usr/bin/python3
"""Generate PyTorch float64 reference vectors for the LSTM and the two batch-normalised LSTM cells (issue 10).

Usage: gen_lstm_vectors.py OUTDIR

Every tensor is written as {"shape": [...], "data": [...]} with the data flattened row-major (C order), so a reader
needs no nested-list logic. Floats are written by json with repr(), which round-trips doubles exactly.

1. lstm_*.json -- torch.nn.LSTM(batch_first=True), float64.
   Fields: name, batch, time, input_size, hidden_size, num_layers, has_initial_state,
   tensors: x [B, T, I], h0, c0 [L, B, H] (only with has_initial_state), dy [B, T, H] (upstream gradient of the
   output sequence), dh_n, dc_n [L, B, H] (upstream gradients of h_n and c_n), y [B, T, H], h_n, c_n [L, B, H],
   dx [B, T, I], dh0, dc0 [L, B, H] (only with has_initial_state; without it torch starts from zeros),
   parameters: the state dict (weight_ih_l{k} [4H, In], weight_hh_l{k} [4H, H], bias_ih_l{k}, bias_hh_l{k} [4H]),
   gradients: the same names.
   The loss differentiated is L = sum(y * dy) + sum(h_n * dh_n) + sum(c_n * dc_n).
   Gate order i, f, g, o (torch's): gates = x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh, i, f, o = sigmoid,
   g = tanh, c_t = f * c_{t-1} + i * g, h_t = o * tanh(c_t).

2. bnlstm_seed_*.json -- variant (a), the seed notebook's cell, done right (one layer, batch_first):
       z_t  = x_t W_ih^T + h_{t-1} W_hh^T + bias                       (4H; one bias, as the seed's W.[h; x] + b)
       z_t  = [BN_i(z_t[:, 0:H]), BN_f(z_t[:, H:2H]), BN_g(z_t[:, 2H:3H]), BN_o(z_t[:, 3H:4H])]
       i, f, o = sigmoid, g = tanh;  c_t = f * c_{t-1} + i * g;  h_t = o * tanh(c_t)
   BN_k is one nn.BatchNorm1d(H) per gate (gamma 1, beta 0, eps 1e-5, momentum 0.1), SHARED by every time step: in
   training each call normalises with that step's batch statistics and moves the running statistics once, so after
   a batch of T steps they have moved T times. State-dict names: weight_ih [4H, I], weight_hh [4H, H], bias [4H],
   bn_gates.{k}.weight / .bias / .running_mean / .running_var / .num_batches_tracked, k = 0, 1, 2, 3 for i, f, g, o.
   (The bias is redundant in training, where BN removes it, and its gradient is zero there up to rounding; it acts in
   inference, through the running statistics.)

3. bnlstm_cooijmans_*.json -- variant (b), Cooijmans et al. 2016, "Recurrent Batch Normalization", eqs. (6)-(8):
       z_t  = BN_hh_t(h_{t-1} W_hh^T; gamma_hh, beta = 0) + BN_ih_t(x_t W_ih^T; gamma_ih, beta = 0) + bias   (4H)
       i, f, o = sigmoid, g = tanh (gate order i, f, g, o as torch; the paper writes f, i, o, g)
       c_t  = f * c_{t-1} + i * g                                       (the un-normalised c_t is carried on)
       h_t  = o * tanh(BN_c_t(c_t; gamma_c, beta_c))
   The paper sets beta_h = beta_x = 0 ("to avoid unnecessary redundancy") and relies on the one bias b; so the two
   projections are normalised without a shift and the BN on c_t has its own beta_c. gamma_hh, gamma_ih, gamma_c are
   initialised to 0.1, beta_c to 0, bias to 0 (the paper's recommendation; the forget-gate bias is left at 0 here).
   The affine parameters are shared across time steps (as in the paper, where only the statistics are separate, and
   in the widely used PyTorch port's SeparatedBatchNorm1d); the STATISTICS are per time step: BN_*_t uses its own
   batch statistics in training and moves its own running statistics (one nn.BatchNorm1d(affine=False) per t and per
   site, each called once per batch); in inference a step t >= T_max (the training length) uses the statistics of
   step T_max - 1. Note that at t = 0 with h_0 = 0, W_hh h_0 is a constant zero batch: its batch variance is 0, BN
   returns 0, and its running variance moves towards 0 (PyTorch does exactly this; so does this reference).
   State-dict names: weight_ih [4H, I], weight_hh [4H, H], bias [4H], bn_ih.weight [4H], bn_hh.weight [4H],
   bn_c.weight [H], bn_c.bias [H], and per step t = 0 .. T_max - 1: bn_ih.{t}.running_mean / .running_var /
   .num_batches_tracked (4H), bn_hh.{t}.* (4H), bn_c.{t}.* (H).

Both BN cases: fields name, variant, batch, input_size, hidden_size, eps, momentum, max_length (Cooijmans only),
parameters (initial values; not changed between batches: no optimiser step, so the only state that moves is the
running statistics), and batches: a list, in order, of {mode: "train" | "eval", time, tensors: {x, dy, dh_n, dc_n,
y, h_n, c_n, dx}, gradients: {every parameter, for this batch alone}, buffers: {every buffer after this batch}}.
h_0 = c_0 = 0. Three training batches, then two inference batches (the Cooijmans inference batches are longer than
max_length, to exercise the reuse of the last step's statistics). Loss as for the LSTM cases, h_n / c_n of the one
layer as [B, H].
"""
import json
import os
import sys

import torch
from torch import nn

torch.set_default_dtype(torch.float64)


def t(tensor):
    tensor = tensor.detach().contiguous()
    return {"shape": list(tensor.shape), "data": tensor.reshape(-1).tolist()}


def lstm_case(name, gen, batch, time, input_size, hidden, layers, initial_state, x_scale=1.0, x_shift=0.0):
    r = lambda *s: torch.randn(*s, generator=gen)
    lstm = nn.LSTM(input_size, hidden, num_layers=layers, batch_first=True)
    # torch's own init draws from the global generator; redraw from ours so that the case is reproducible.
    bound = 1.0 / hidden ** 0.5
    with torch.no_grad():
        for p in lstm.parameters():
            p.copy_((torch.rand(p.shape, generator=gen) * 2 - 1) * bound)
    x = (r(batch, time, input_size) * x_scale + x_shift).requires_grad_(True)
    h0 = r(layers, batch, hidden).requires_grad_(True)
    c0 = r(layers, batch, hidden).requires_grad_(True)
    if not initial_state:
        h0 = torch.zeros(layers, batch, hidden, requires_grad=True)
        c0 = torch.zeros(layers, batch, hidden, requires_grad=True)
    y, (hn, cn) = lstm(x, (h0, c0)) if initial_state else lstm(x)
    dy, dhn, dcn = r(*y.shape), r(*hn.shape), r(*cn.shape)
    loss = (y * dy).sum() + (hn * dhn).sum() + (cn * dcn).sum()
    loss.backward()
    tensors = dict(x=t(x), dy=t(dy), dh_n=t(dhn), dc_n=t(dcn), y=t(y), h_n=t(hn), c_n=t(cn), dx=t(x.grad))
    if initial_state:
        tensors.update(h0=t(h0), c0=t(c0), dh0=t(h0.grad), dc0=t(c0.grad))
    return dict(name=name, batch=batch, time=time, input_size=input_size, hidden_size=hidden, num_layers=layers,
                has_initial_state=initial_state, tensors=tensors,
                parameters={k: t(v) for k, v in lstm.state_dict().items()},
                gradients={k: t(v.grad) for k, v in lstm.named_parameters()})


class SeedBnLstm(nn.Module):
    """Variant (a): one BatchNorm1d per gate on the gate pre-activation, shared by every time step."""

    def __init__(self, input_size, hidden, gen):
        super().__init__()
        self.hidden = hidden
        bound = 1.0 / hidden ** 0.5
        u = lambda *s: nn.Parameter((torch.rand(*s, generator=gen) * 2 - 1) * bound)
        self.weight_ih = u(4 * hidden, input_size)
        self.weight_hh = u(4 * hidden, hidden)
        self.bias = u(4 * hidden)
        self.bn_gates = nn.ModuleList([nn.BatchNorm1d(hidden) for _ in range(4)])

    def forward(self, x):
        batch, time, _ = x.shape
        H = self.hidden
        h = x.new_zeros(batch, H)
        c = x.new_zeros(batch, H)
        outputs = []
        for step in range(time):
            z = x[:, step] @ self.weight_ih.T + h @ self.weight_hh.T + self.bias
            zi, zf, zg, zo = (self.bn_gates[k](z[:, k * H:(k + 1) * H]) for k in range(4))
            c = torch.sigmoid(zf) * c + torch.sigmoid(zi) * torch.tanh(zg)
            h = torch.sigmoid(zo) * torch.tanh(c)
            outputs.append(h)
        return torch.stack(outputs, 1), h, c


class SeparatedStats(nn.Module):
    """Per-time-step statistics (children "0", "1", ...: BatchNorm1d(affine=False)) under one shared gamma (and beta)."""

    def __init__(self, features, max_length, gamma, with_beta):
        super().__init__()
        self.weight = nn.Parameter(torch.full((features,), gamma))
        if with_beta:
            self.bias = nn.Parameter(torch.zeros(features))
        else:
            self.bias = None
        for step in range(max_length):
            self.add_module(str(step), nn.BatchNorm1d(features, affine=False))
        self.max_length = max_length

    def forward(self, z, step):
        # Beyond the training length the last step's statistics serve (Cooijmans et al., section 4).
        bn = getattr(self, str(min(step, self.max_length - 1)))
        out = bn(z) * self.weight
        return out + self.bias if self.bias is not None else out


class CooijmansBnLstm(nn.Module):
    """Variant (b): Recurrent Batch Normalization (Cooijmans et al. 2016)."""

    def __init__(self, input_size, hidden, max_length, gen):
        super().__init__()
        self.hidden = hidden
        bound = 1.0 / hidden ** 0.5
        u = lambda *s: nn.Parameter((torch.rand(*s, generator=gen) * 2 - 1) * bound)
        self.weight_ih = u(4 * hidden, input_size)
        self.weight_hh = u(4 * hidden, hidden)
        self.bias = nn.Parameter(torch.zeros(4 * hidden))
        self.bn_ih = SeparatedStats(4 * hidden, max_length, 0.1, with_beta=False)
        self.bn_hh = SeparatedStats(4 * hidden, max_length, 0.1, with_beta=False)
        self.bn_c = SeparatedStats(hidden, max_length, 0.1, with_beta=True)

    def forward(self, x):
        batch, time, _ = x.shape
        H = self.hidden
        h = x.new_zeros(batch, H)
        c = x.new_zeros(batch, H)
        outputs = []
        for step in range(time):
            z = self.bn_hh(h @ self.weight_hh.T, step) + self.bn_ih(x[:, step] @ self.weight_ih.T, step) + self.bias
            zi, zf, zg, zo = (z[:, k * H:(k + 1) * H] for k in range(4))
            c = torch.sigmoid(zf) * c + torch.sigmoid(zi) * torch.tanh(zg)
            h = torch.sigmoid(zo) * torch.tanh(self.bn_c(c, step))
            outputs.append(h)
        return torch.stack(outputs, 1), h, c


def bn_case(name, variant, model, gen, batch, input_size, hidden, schedule, extra=None):
    """schedule: list of (mode, time). Every batch uses the same parameters; only the running statistics move."""
    r = lambda *s: torch.randn(*s, generator=gen)
    out = dict(name=name, variant=variant, batch=batch, input_size=input_size, hidden_size=hidden,
               eps=1e-5, momentum=0.1, parameters={k: t(v) for k, v in model.named_parameters()}, batches=[])
    out.update(extra or {})
    for mode, time in schedule:
        model.train(mode == "train")
        model.zero_grad()
        x = (r(batch, time, input_size) * 2 + 0.5).requires_grad_(True)
        y, hn, cn = model(x)
        dy, dhn, dcn = r(*y.shape), r(*hn.shape), r(*cn.shape)
        ((y * dy).sum() + (hn * dhn).sum() + (cn * dcn).sum()).backward()
        out["batches"].append(dict(
            mode=mode, time=time,
            tensors=dict(x=t(x), dy=t(dy), dh_n=t(dhn), dc_n=t(dcn), y=t(y), h_n=t(hn), c_n=t(cn), dx=t(x.grad)),
            gradients={k: t(v.grad) for k, v in model.named_parameters()},
            buffers={k: t(v) for k, v in model.named_buffers()}))
    return out


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    gen = torch.Generator().manual_seed(1010)
    cases = [
        lstm_case("one_step", gen, 3, 1, 4, 5, 1, False),
        lstm_case("five_steps", gen, 4, 5, 3, 6, 1, False),
        lstm_case("sixty_steps", gen, 4, 60, 2, 8, 1, False),
        lstm_case("two_layers", gen, 3, 7, 4, 5, 2, False),
        lstm_case("initial_state", gen, 3, 6, 3, 4, 1, True),
        lstm_case("two_layers_initial_state", gen, 5, 4, 2, 3, 2, True),
        lstm_case("three_layers_offset_input", gen, 2, 9, 3, 4, 3, True, x_scale=5.0, x_shift=12.0),
        lstm_case("one_input_hidden_32", gen, 4, 12, 1, 32, 1, False),
    ]
    for c in cases:
        with open(os.path.join(outdir, f"lstm_{c['name']}.json"), "w") as f:
            json.dump(c, f)

    B, I, H = 6, 3, 4
    seed = SeedBnLstm(I, H, gen)
    bn_cases = [bn_case("seed", "seed", seed, gen, B, I, H,
                        [("train", 5), ("train", 5), ("train", 5), ("eval", 5), ("eval", 7)])]
    max_length = 5
    cooijmans = CooijmansBnLstm(I, H, max_length, gen)
    bn_cases.append(bn_case("cooijmans", "cooijmans", cooijmans, gen, B, I, H,
                            [("train", 5), ("train", 5), ("train", 4), ("eval", 5), ("eval", 8)],
                            extra=dict(max_length=max_length)))
    for c in bn_cases:
        with open(os.path.join(outdir, f"bnlstm_{c['name']}.json"), "w") as f:
            json.dump(c, f)
    print(len(cases), "LSTM cases and", len(bn_cases), "BN-LSTM cases ->", outdir)


if __name__ == "__main__":
    main()
