#!/usr/bin/env python3
"""PyTorch's side of the LSTM speed comparison of issue 10: times one training step of

- `lstm`: torch.nn.LSTM(1, 64, batch_first=True) on a batch of 32 sequences of 30 steps, a Linear(64, 1) head on the
  last time step's hidden state, mean squared error, Adam (lr 1e-3): zero_grad, forward, loss, backward, step;
- `bnlstm_seed`: the same with the seed's batch-normalised cell (variant (a) of docs/lstm.md: one BatchNorm1d per gate
  on the gate pre-activation, shared across time steps), unrolled in Python as any PyTorch user would write it;
- `bnlstm_cooijmans`: the same with Cooijmans et al.'s cell (variant (b): BN on W_x x_t and W_h h_{t-1} with per-step
  statistics, BN on c_t), for reference.

All in float64, with torch's default thread count (set OMP/torch threads outside to match the library). The timer is
torch_workloads.median_ms (warm-up, samples of about 5 ms, median). Prints one JSON object of milliseconds per step,
and a readable line per workload on stderr.

    /usr/bin/python3 tools/bench/torch_lstm_workloads.py
"""
import json
import os
import platform
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_workloads import median_ms  # noqa: E402  (the shared timer; this file only adds workloads)

BATCH, TIME, INPUT, HIDDEN = 32, 30, 1, 64


class SeedBnLstm(nn.Module):
    """Variant (a): z = x W_ih^T + h W_hh^T + b; one BatchNorm1d(H) per gate, shared by every time step."""

    def __init__(self, input_size, hidden):
        super().__init__()
        self.hidden = hidden
        self.weight_ih = nn.Parameter(torch.empty(4 * hidden, input_size))
        self.weight_hh = nn.Parameter(torch.empty(4 * hidden, hidden))
        self.bias = nn.Parameter(torch.zeros(4 * hidden))
        nn.init.xavier_uniform_(self.weight_ih)
        nn.init.xavier_uniform_(self.weight_hh)
        self.bn_gates = nn.ModuleList([nn.BatchNorm1d(hidden) for _ in range(4)])

    def forward(self, x):
        H = self.hidden
        h = x.new_zeros(x.shape[0], H)
        c = x.new_zeros(x.shape[0], H)
        for t in range(x.shape[1]):
            z = x[:, t] @ self.weight_ih.T + h @ self.weight_hh.T + self.bias
            zi, zf, zg, zo = (self.bn_gates[k](z[:, k * H:(k + 1) * H]) for k in range(4))
            c = torch.sigmoid(zf) * c + torch.sigmoid(zi) * torch.tanh(zg)
            h = torch.sigmoid(zo) * torch.tanh(c)
        return h


class CooijmansBnLstm(nn.Module):
    """Variant (b): BN(W_h h) + BN(W_x x) + b with per-step statistics, gamma 0.1, no beta; h = o * tanh(BN(c))."""

    def __init__(self, input_size, hidden, max_length):
        super().__init__()
        self.hidden = hidden
        self.weight_ih = nn.Parameter(torch.empty(4 * hidden, input_size))
        self.weight_hh = nn.Parameter(torch.empty(4 * hidden, hidden))
        nn.init.uniform_(self.weight_ih, -hidden ** -0.5, hidden ** -0.5)
        nn.init.uniform_(self.weight_hh, -hidden ** -0.5, hidden ** -0.5)
        self.bias = nn.Parameter(torch.zeros(4 * hidden))
        self.gamma_ih = nn.Parameter(torch.full((4 * hidden,), 0.1))
        self.gamma_hh = nn.Parameter(torch.full((4 * hidden,), 0.1))
        self.gamma_c = nn.Parameter(torch.full((hidden,), 0.1))
        self.beta_c = nn.Parameter(torch.zeros(hidden))
        self.bn_ih = nn.ModuleList([nn.BatchNorm1d(4 * hidden, affine=False) for _ in range(max_length)])
        self.bn_hh = nn.ModuleList([nn.BatchNorm1d(4 * hidden, affine=False) for _ in range(max_length)])
        self.bn_c = nn.ModuleList([nn.BatchNorm1d(hidden, affine=False) for _ in range(max_length)])

    def forward(self, x):
        H = self.hidden
        h = x.new_zeros(x.shape[0], H)
        c = x.new_zeros(x.shape[0], H)
        for t in range(x.shape[1]):
            s = min(t, len(self.bn_ih) - 1)
            z = (self.bn_hh[s](h @ self.weight_hh.T) * self.gamma_hh
                 + self.bn_ih[s](x[:, t] @ self.weight_ih.T) * self.gamma_ih + self.bias)
            zi, zf, zg, zo = (z[:, k * H:(k + 1) * H] for k in range(4))
            c = torch.sigmoid(zf) * c + torch.sigmoid(zi) * torch.tanh(zg)
            h = torch.sigmoid(zo) * torch.tanh(self.bn_c[s](c) * self.gamma_c + self.beta_c)
        return h


class TorchLstm(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(INPUT, HIDDEN, batch_first=True)

    def forward(self, x):
        return self.lstm(x)[0][:, -1]


def training_step(body):
    """zero_grad, forward, Linear head on the last hidden state, MSE, backward, Adam step."""
    torch.manual_seed(0)
    model = nn.ModuleDict(dict(body=body, head=nn.Linear(HIDDEN, 1))).double().train()
    x = torch.randn(BATCH, TIME, INPUT, dtype=torch.float64)
    y = torch.randn(BATCH, 1, dtype=torch.float64)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.MSELoss()

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model["head"](model["body"](x)), y)
        loss.backward()
        optimizer.step()

    return step


def main():
    workloads = {
        "lstm_train_step_b32_t30_h64": lambda: training_step(TorchLstm()),
        "bnlstm_seed_train_step_b32_t30_h64": lambda: training_step(SeedBnLstm(INPUT, HIDDEN)),
        "bnlstm_cooijmans_train_step_b32_t30_h64": lambda: training_step(CooijmansBnLstm(INPUT, HIDDEN, TIME)),
    }
    results = {"torch_version": torch.__version__, "threads": torch.get_num_threads(),
               "python": platform.python_version()}
    for name, make in workloads.items():
        ms = median_ms(make())
        results[name] = ms
        print(f"{name}: {ms:.3f} ms/step", file=sys.stderr)
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
