#!/usr/bin/env python3
"""Loads a .safetensors model written by BatchNormSharp into torch.nn.Sequential and compares predictions.

Usage:  /usr/bin/python3 tools/pytorch/check_library_file.py MODEL.safetensors PREDICTIONS.json [--tolerance 1e-10]

PREDICTIONS.json holds {"inputs": [[...]], "probabilities": [[...]]} as the library computed them (the Digits
sample writes one with --export-predictions). The architecture is read from the state dict's names and shapes
(see architecture.py); load_state_dict runs with strict=True, so every name and shape must be PyTorch's. Prints the
largest absolute difference and exits with 1 when it exceeds the tolerance.
"""
import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from architecture import sequential_from_state  # noqa: E402
from safetensors_io import load_file  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model")
    parser.add_argument("predictions")
    parser.add_argument("--tolerance", type=float, default=1e-10)
    args = parser.parse_args()

    state, metadata = load_file(args.model)
    model = sequential_from_state(state)
    model.load_state_dict(state, strict=True)
    model.eval()

    with open(args.predictions) as file:
        expected = json.load(file)
    inputs = torch.tensor(expected["inputs"], dtype=torch.float64)
    library = torch.tensor(expected["probabilities"], dtype=torch.float64)
    with torch.no_grad():
        torch_probabilities = torch.softmax(model(inputs), dim=1)

    difference = (torch_probabilities - library).abs().max().item()
    agree = (torch_probabilities.argmax(1) == library.argmax(1)).sum().item()
    print(f"model: {model}")
    print(f"metadata: {metadata}")
    print(f"rows: {inputs.shape[0]}, predicted classes equal: {agree}/{inputs.shape[0]}")
    print(f"max abs difference (PyTorch vs library probabilities): {difference:.3e}")
    if not difference <= args.tolerance:
        print(f"FAIL: above the tolerance {args.tolerance:g}")
        return 1
    print(f"OK: within {args.tolerance:g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
