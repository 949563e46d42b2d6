"""Rebuilds a torch.nn.Sequential of Linear / BatchNorm1d / ReLU from the names and shapes of a state dict.

Index i holds a Linear when `i.weight` is a matrix, a BatchNorm1d when `i.running_mean` exists, and a ReLU when the
index has no entries (a ReLU after the last Linear or BatchNorm cannot be seen, and is not needed for logits).
"""
import torch


def sequential_from_state(state):
    indices = sorted({int(name.split(".")[0]) for name in state})
    layers = []
    for index in range(indices[-1] + 1):
        weight = state.get(f"{index}.weight")
        if f"{index}.running_mean" in state:
            layers.append(torch.nn.BatchNorm1d(state[f"{index}.running_mean"].shape[0], dtype=torch.float64))
        elif weight is not None and weight.dim() == 2:
            out_features, in_features = weight.shape
            layers.append(torch.nn.Linear(in_features, out_features, dtype=torch.float64))
        else:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)
