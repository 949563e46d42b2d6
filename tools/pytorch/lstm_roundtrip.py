#!/usr/bin/env python3
"""PyTorch's side of the LSTM round trip (check_lstm_roundtrip.sh): a BatchNormSharp model
Sequential(LSTM(I, H, numLayers=L), Dense(H, 1)) and the equivalent torch module, whose submodules are named "0"
(torch.nn.LSTM(I, H, L, batch_first=True)) and "1" (torch.nn.Linear(H, 1)) so that the state-dict names agree.

  check-library MODEL DATA [--tolerance 1e-10]
      library -> PyTorch: load MODEL (.safetensors written by the library) with load_state_dict(strict=True), predict
      DATA's inputs and compare with the library's predictions in DATA.
  make-torch MODEL DATA [--input I] [--hidden H] [--layers L] [--time T] [--seed S]
      PyTorch -> library, first half: train the torch module a few Adam steps, save MODEL and write DATA (inputs and
      torch's predictions).
  compare EXPECTED ACTUAL [--tolerance 1e-10]
      PyTorch -> library, second half: compare the library's predictions (ACTUAL, from `LstmRoundTrip predict`) with
      torch's (EXPECTED).

Exits with 1 when a difference exceeds the tolerance (largest absolute difference over the largest |prediction|).
"""
import argparse
import json
import math
import os
import sys
from collections import OrderedDict

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_io import load_file, save_file  # noqa: E402


class LstmRegressor(torch.nn.Module):
    """torch's twin of Sequential(LSTM(I, H, numLayers: L), Dense(H, 1)): the head reads the last time step."""

    def __init__(self, input_size, hidden_size, num_layers):
        super().__init__()
        self.add_module("0", torch.nn.LSTM(input_size, hidden_size, num_layers, batch_first=True))
        self.add_module("1", torch.nn.Linear(hidden_size, 1))

    def forward(self, x):
        sequence, _ = getattr(self, "0")(x)
        return getattr(self, "1")(sequence[:, -1, :])


def from_state(state):
    layers = sum(1 for name in state if name.startswith("0.weight_ih_l"))
    hidden = state["0.weight_hh_l0"].shape[1]
    return LstmRegressor(state["0.weight_ih_l0"].shape[1], hidden, layers).double()


def read_data(path):
    with open(path) as file:
        data = json.load(file)
    inputs = torch.tensor(data["inputs"], dtype=torch.float64).reshape(data["shape"])
    return inputs, torch.tensor(data["outputs"], dtype=torch.float64)


def report(what, expected, actual, tolerance):
    scale = max(expected.abs().max().item(), 1e-300)
    difference = (expected - actual).abs().max().item()
    print(f"{what}: {expected.numel()} predictions, max abs difference {difference:.3e}, relative {difference / scale:.3e}")
    if not difference / scale <= tolerance:
        print(f"FAIL: above the tolerance {tolerance:g}")
        return 1
    print(f"OK: within {tolerance:g}")
    return 0


def check_library(args):
    state, _ = load_file(args.model)
    model = from_state(state)
    model.load_state_dict(state, strict=True)
    model.eval()
    inputs, library = read_data(args.data)
    with torch.no_grad():
        predicted = model(inputs).reshape(-1)
    print(f"torch: loaded {args.model} (strict=True) into {model}")
    return report("library -> PyTorch", predicted, library, args.tolerance)


def make_torch(args):
    torch.manual_seed(args.seed)
    model = LstmRegressor(args.input, args.hidden, args.layers).double()
    steps = torch.arange(200 + args.time, dtype=torch.float64)
    series = torch.sin(steps * 0.2) + 0.05 * (torch.rand(steps.shape, dtype=torch.float64) - 0.5)
    windows = series.unfold(0, args.time, 1)[:-1]
    targets = series[args.time:].unsqueeze(1)
    inputs = torch.stack([windows * (1.0 + 0.1 * f) for f in range(args.input)], dim=2)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    for _ in range(20):
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(model(inputs), targets)
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        predicted = model(inputs).reshape(-1)
    save_file(OrderedDict(model.state_dict()), args.model)
    with open(args.data, "w") as file:
        json.dump({"shape": list(inputs.shape), "inputs": inputs.reshape(-1).tolist(),
                   "outputs": predicted.tolist()}, file)
    print(f"torch: trained {model} for 20 Adam steps (loss {loss.item():.4f}), saved {args.model}")
    return 0


def compare(args):
    inputs_expected, expected = read_data(args.expected)
    inputs_actual, actual = read_data(args.actual)
    if not torch.equal(inputs_expected, inputs_actual):
        print("FAIL: the two files hold different inputs")
        return 1
    return report("PyTorch -> library", expected, actual, args.tolerance)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check-library")
    check.add_argument("model")
    check.add_argument("data")
    check.add_argument("--tolerance", type=float, default=1e-10)
    make = commands.add_parser("make-torch")
    make.add_argument("model")
    make.add_argument("data")
    for name, default in (("input", 1), ("hidden", 16), ("layers", 1), ("time", 12), ("seed", 1)):
        make.add_argument(f"--{name}", type=int, default=default)
    cmp = commands.add_parser("compare")
    cmp.add_argument("expected")
    cmp.add_argument("actual")
    cmp.add_argument("--tolerance", type=float, default=1e-10)
    args = parser.parse_args()
    return {"check-library": check_library, "make-torch": make_torch, "compare": compare}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
