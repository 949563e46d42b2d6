#!/usr/bin/env python3
"""Writes a whole-model file from PyTorch (save_model in model_file.py) for the C# tests: ModelFile.Load must rebuild
the model without code and predict what PyTorch predicted.

Run from the repository root with Debian's python3-torch:  /usr/bin/python3 tools/pytorch/make_model_file_fixture.py
Writes tests/BatchNormSharp.Tests/Fixtures/pytorch_model_file.safetensors and pytorch_model_file_outputs.json.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model_file import load_model, save_model  # noqa: E402

OUT = os.path.join("tests", "BatchNormSharp.Tests", "Fixtures")


def main():
    torch.manual_seed(20261130)
    model = torch.nn.Sequential(
        torch.nn.Linear(4, 6), torch.nn.BatchNorm1d(6, momentum=None), torch.nn.ReLU(),
        torch.nn.Sequential(torch.nn.Linear(6, 5), torch.nn.BatchNorm1d(5, eps=1e-3, affine=False), torch.nn.ReLU()),
        torch.nn.Linear(5, 3), torch.nn.BatchNorm1d(3, momentum=0.3),
    ).double()
    # Train a few steps so that the weights, the running statistics and num_batches_tracked are all non-trivial.
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    x_train = torch.randn(64, 4, dtype=torch.float64) * 5 + 12
    y_train = torch.randint(0, 3, (64,))
    model.train()
    for _ in range(5):
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(x_train), y_train).backward()
        optimizer.step()
    model.eval()

    inputs = torch.randn(20, 4, dtype=torch.float64) * 5 + 12
    with torch.no_grad():
        outputs = model(inputs)
    path = os.path.join(OUT, "pytorch_model_file.safetensors")
    save_model(model, path)

    # The file must also come back into PyTorch from its metadata alone, predicting the same.
    reloaded, _ = load_model(path)
    with torch.no_grad():
        assert torch.equal(reloaded(inputs), outputs)

    with open(os.path.join(OUT, "pytorch_model_file_outputs.json"), "w") as file:
        json.dump({"torch": torch.__version__, "inputs": inputs.tolist(), "outputs": outputs.tolist()}, file)
    print(f"wrote {path} and its outputs for {inputs.shape[0]} rows")


if __name__ == "__main__":
    main()
