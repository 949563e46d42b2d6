#!/usr/bin/env python3
"""Writes the PyTorch fixture that the C# tests load: a trained float64 model and its eval-mode predictions.

Run from the repository root with Debian's python3-torch:  /usr/bin/python3 tools/pytorch/make_fixture.py
Writes tests/BatchNormSharp.Tests/Fixtures/pytorch_model.safetensors and pytorch_predictions.json.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_io import save_file  # noqa: E402

OUT = os.path.join("tests", "BatchNormSharp.Tests", "Fixtures")


def main():
    torch.manual_seed(20240607)
    model = torch.nn.Sequential(
        torch.nn.Linear(4, 6), torch.nn.BatchNorm1d(6), torch.nn.ReLU(),
        torch.nn.Linear(6, 3), torch.nn.BatchNorm1d(3),
    ).double()
    # Train a few steps so that the weights, the running statistics and num_batches_tracked are all non-trivial.
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    x_train = torch.randn(64, 4, dtype=torch.float64) * 3 + 5
    y_train = torch.randint(0, 3, (64,))
    model.train()
    for step in range(7):
        batch = slice(8 * step, 8 * step + 16)
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x_train[batch]), y_train[batch])
        loss.backward()
        optimizer.step()

    model.eval()
    inputs = torch.randn(10, 4, dtype=torch.float64) * 3 + 5
    with torch.no_grad():
        logits = model(inputs)
        probabilities = torch.softmax(logits, dim=1)

    os.makedirs(OUT, exist_ok=True)
    save_file(model.state_dict(), os.path.join(OUT, "pytorch_model.safetensors"), metadata={"format": "pt"})
    with open(os.path.join(OUT, "pytorch_predictions.json"), "w") as file:
        json.dump({
            "generator": "tools/pytorch/make_fixture.py",
            "torch_version": torch.__version__,
            "architecture": "Linear(4,6) BatchNorm1d(6) ReLU Linear(6,3) BatchNorm1d(3), float64, eval mode",
            "inputs": inputs.tolist(),
            "logits": logits.tolist(),
            "probabilities": probabilities.tolist(),
            "num_batches_tracked": int(model[1].num_batches_tracked),
        }, file, indent=1)
        file.write("\n")
    print(f"wrote {OUT}/pytorch_model.safetensors and pytorch_predictions.json")


if __name__ == "__main__":
    main()
