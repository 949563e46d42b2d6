#!/usr/bin/env python3
"""The BinaryClassifier sample's penguin protocol in PyTorch, on the sample's own split.

Usage: penguins_binary.py --split SPLIT.json [--csv penguins.csv] [--seed N] [--epochs N]

The split is not reproduced here: the sample writes it (`--write-split SPLIT.json`) as the file's data rows
(0-based, header not counted) of the training and test parts, and this script reads those very rows, so both sides
train and test on the same penguins. Everything after the split is redone here, the same way:
- one-hot columns for species and island with the categories of the training rows in sorted order, then the four
  measurements (the library's FeatureEncoder order);
- standardisation with the training rows' mean and biased variance, (x - mean) / max(std, 1e-7) (Keras's
  Normalization, the sample's first layer);
- Linear(10,64) -> BatchNorm1d(64) -> ReLU -> Linear(64,32) -> BatchNorm1d(32) -> ReLU -> Linear(32,1), torch's
  default initialisation (the library's Dense and BatchNorm defaults are the same distributions, not the same draws);
- BCEWithLogitsLoss (target 1 = MALE), Adam(lr=1e-3, eps=1e-8), batches of 16 reshuffled every epoch, a last batch
  of a single row skipped (BatchNorm cannot train on it; the library skips it too);
- test accuracy at p > 0.5 and ROC AUC from average ranks (Mann-Whitney U), in numpy.
Prints `Test accuracy: x.xxxx` and `ROC AUC: x.xxxx`.
"""
import argparse
import csv
import json
import os

import numpy as np
import torch

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CATEGORICAL = ["species", "island"]
NUMERIC = ["beak_length_mm", "beak_depth_mm", "flipper_length_mm", "body_mass_g"]
MISSING = {"", "NA", "."}


def read_rows(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def encode(rows, categories):
    """One-hot blocks in the file's column order (species, island come first), then the measurements."""
    out = []
    for r in rows:
        v = []
        for c in CATEGORICAL:
            v.extend(1.0 if r[c] == k else 0.0 for k in categories[c])
        v.extend(float(r[c]) for c in NUMERIC)
        out.append(v)
    return np.array(out, dtype=np.float64)


def roc_auc(scores, labels):
    """Area under the ROC curve = Mann-Whitney U / (n_pos * n_neg), ties given their average rank."""
    scores = np.asarray(scores, dtype=np.float64)
    labels = np.asarray(labels)
    order = np.argsort(scores, kind="mergesort")
    sorted_scores = scores[order]
    ranks = np.empty(len(scores), dtype=np.float64)
    i = 0
    while i < len(scores):
        j = i
        while j + 1 < len(scores) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2.0 + 1.0  # 1-based average rank of the tie group
        i = j + 1
    n_pos = int((labels == 1).sum())
    n_neg = len(labels) - n_pos
    u = ranks[labels == 1].sum() - n_pos * (n_pos + 1) / 2.0
    return u / (n_pos * n_neg)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", required=True, help="JSON written by the sample's --write-split")
    parser.add_argument("--csv", default=os.path.join(ROOT, "samples", "BinaryClassifier", "data", "penguins.csv"))
    parser.add_argument("--seed", type=int, default=0, help="torch's seed (initial weights, batch order)")
    parser.add_argument("--epochs", type=int, default=15)
    args = parser.parse_args()

    rows = read_rows(args.csv)
    with open(args.split) as f:
        split = json.load(f)
    train_rows = [rows[i] for i in split["train"]]
    test_rows = [rows[i] for i in split["test"]]
    for r in train_rows + test_rows:
        if any(r[c] in MISSING for c in CATEGORICAL + NUMERIC + ["sex"]):
            raise SystemExit(f"the split holds a row with a missing value: {r}")

    categories = {c: sorted({r[c] for r in train_rows}) for c in CATEGORICAL}  # ordinal sort, as the library
    x_train, x_test = encode(train_rows, categories), encode(test_rows, categories)
    y_train = np.array([[1.0 if r["sex"] == "MALE" else 0.0] for r in train_rows])
    y_test = np.array([1 if r["sex"] == "MALE" else 0 for r in test_rows])

    mean = x_train.mean(axis=0)
    std = np.maximum(np.sqrt(((x_train - mean) ** 2).mean(axis=0)), 1e-7)
    x_train, x_test = (x_train - mean) / std, (x_test - mean) / std

    torch.manual_seed(args.seed)
    torch.set_default_dtype(torch.float64)
    n_in = x_train.shape[1]
    model = torch.nn.Sequential(
        torch.nn.Linear(n_in, 64), torch.nn.BatchNorm1d(64), torch.nn.ReLU(),
        torch.nn.Linear(64, 32), torch.nn.BatchNorm1d(32), torch.nn.ReLU(),
        torch.nn.Linear(32, 1))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-8)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    xt, yt = torch.from_numpy(x_train), torch.from_numpy(y_train)
    batch = 16
    for _ in range(args.epochs):
        model.train()
        order = torch.randperm(len(xt))
        for start in range(0, len(order), batch):
            idx = order[start:start + batch]
            if len(idx) < 2:
                continue
            optimizer.zero_grad()
            loss = loss_fn(model(xt[idx]), yt[idx])
            loss.backward()
            optimizer.step()

    model.eval()
    with torch.no_grad():
        logits = model(torch.from_numpy(x_test)).squeeze(1).numpy()
    probabilities = 1.0 / (1.0 + np.exp(-logits))
    accuracy = float(((probabilities > 0.5).astype(int) == y_test).mean())
    print(f"{len(train_rows)} training and {len(test_rows)} test rows, {n_in} features, seed {args.seed}, "
          f"{args.epochs} epochs")
    print(f"Test accuracy: {accuracy:.4f} ({int(round(accuracy * len(y_test)))}/{len(y_test)})")
    print(f"ROC AUC: {roc_auc(logits, y_test):.4f}")


if __name__ == "__main__":
    main()
