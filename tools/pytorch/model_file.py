#!/usr/bin/env python3
"""Rebuilds the PyTorch module a BatchNormSharp whole-model file describes, and loads the file into it.

Usage:  /usr/bin/python3 tools/pytorch/model_file.py MODEL.safetensors [--predictions PREDICTIONS.json]
                                                      [--tolerance 1e-12]

Layers: Sequential, Dense, BatchNorm, ReLU, Sigmoid, Tanh, Normalization, LSTM (torch.nn.LSTM(batch_first=True)
returning sequences or the last step as configured) and LastTimeStep ([:, -1, :]). BatchNormLSTM has no torch module:
a file holding one is refused with a message saying so.

A whole-model file (written by ModelFile.Save) is a safetensors file whose `__metadata__` holds, besides
`format = pt`, `batchnormsharp.format_version` ("1") and `batchnormsharp.architecture`: one JSON object per layer,
{"type": ..., "config": {hyper-parameters}, "children": [{"name": ..., ...}]}. See docs/model-files.md.

As a library, both ways:
    from model_file import load_model, save_model
    model, metadata = load_model("model.safetensors")   # load_state_dict(strict=True), then eval()
    save_model(torch_module, "model.safetensors")        # a whole-model file ModelFile.Load reads in .NET

With --predictions, PREDICTIONS.json holds {"inputs": [[...]], "outputs": [[...]]} as the library computed them in
inference mode (for sequences also "input_shape" and "output_shape", the rows being the values batch first) (tools/pytorch/ModelFileWriter writes one); the module's outputs on the same inputs, as one batch, are
compared and the script exits with 1 when the largest difference exceeds the tolerance.
"""
import argparse
import collections
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_io import load_file, save_file  # noqa: E402

ARCHITECTURE_KEY = "batchnormsharp.architecture"
FORMAT_VERSION_KEY = "batchnormsharp.format_version"
FORMAT_VERSION = 1


def _sequential(config, children):
    return torch.nn.Sequential(collections.OrderedDict(children))


def _dense(config, children):
    return torch.nn.Linear(config["in_features"], config["out_features"], dtype=torch.float64)


def _batch_norm(config, children):
    if not config["unbiased_running_variance"]:
        # Only training differs: PyTorch always feeds the unbiased variance into the running variance.
        print("note: a BatchNorm uses the biased running variance; PyTorch's BatchNorm1d predicts the same but "
              "would train with the unbiased one", file=sys.stderr)
    return torch.nn.BatchNorm1d(config["num_features"], eps=config["eps"], momentum=config["momentum"],
                                affine=config["affine"], track_running_stats=config["track_running_stats"],
                                dtype=torch.float64)


class Normalization(torch.nn.Module):
    """The library's (Keras's) Normalization: buffers `mean` and `variance`, y = (x - mean) / max(sqrt(variance), eps).
    PyTorch has no such module; this one holds the same buffers, so strict loading still checks every name."""

    def __init__(self, num_features, epsilon):
        super().__init__()
        self.epsilon = epsilon
        self.register_buffer("mean", torch.zeros(num_features, dtype=torch.float64))
        self.register_buffer("variance", torch.ones(num_features, dtype=torch.float64))

    def forward(self, x):
        return (x - self.mean) / torch.clamp(torch.sqrt(self.variance), min=self.epsilon)

    def extra_repr(self):
        return f"{self.mean.shape[0]}, epsilon={self.epsilon}"


class LSTM(torch.nn.LSTM):
    """The library's LSTM: torch.nn.LSTM(batch_first=True) itself (the same parameter names, so strict loading checks
    them), returning every hidden state of the top layer [batch, time, H] (return_sequences) or only the last one
    [batch, H], as the library's layer does; the state (h_n, c_n) is not returned, and the initial state is zero."""

    def __init__(self, input_size, hidden_size, num_layers, return_sequences):
        super().__init__(input_size, hidden_size, num_layers, batch_first=True, dtype=torch.float64)
        self.return_sequences = return_sequences

    def forward(self, x):
        sequence, _ = super().forward(x)
        return sequence if self.return_sequences else sequence[:, -1, :]

    def extra_repr(self):
        return f"{super().extra_repr()}, return_sequences={self.return_sequences}"


class LastTimeStep(torch.nn.Module):
    """The library's LastTimeStep: output[:, -1, :], [batch, time, features] -> [batch, features]."""

    def forward(self, x):
        return x[:, -1, :]


def _lstm(config, children):
    # "init" only says how the weights were drawn; the file's tensors replace them.
    return LSTM(config["input_size"], config["hidden_size"], config["num_layers"], config["return_sequences"])


def _batch_norm_lstm(config):
    raise ValueError(
        f"BatchNormLSTM ({config.get('variant')}) has no PyTorch module: torch.nn.LSTM has no BatchNorm inside its "
        "cell, so no torch module loads this file's bn_* tensors. docs/lstm.md §2 gives the cell's equations (PyTorch's "
        "BatchNorm1d called once per time step); load the weights by name with safetensors_io.load_file if you write "
        "that cell yourself, or use the library's LSTM for a model PyTorch must read.")


# Library type name -> builder(config, [(child name, child module)]). A new layer adds one line.
BUILDERS = {
    "Sequential": _sequential,
    "Dense": _dense,
    "BatchNorm": _batch_norm,
    "ReLU": lambda config, children: torch.nn.ReLU(),
    "Sigmoid": lambda config, children: torch.nn.Sigmoid(),
    "Tanh": lambda config, children: torch.nn.Tanh(),
    "Normalization": lambda config, children: Normalization(config["num_features"], config["epsilon"]),
    "LSTM": _lstm,
    "LastTimeStep": lambda config, children: LastTimeStep(),
}

# Library types PyTorch has no module for: type name -> function raising ValueError with the reason.
NO_TORCH_MODULE = {
    "BatchNormLSTM": _batch_norm_lstm,
}


def module_from_architecture(node, path="the model's outermost layer"):
    """Builds the torch.nn.Module of one layer's description (a parsed JSON object) and its children."""
    kind = node.get("type")
    if kind in NO_TORCH_MODULE:
        # Said before the children are looked at: their parts have no counterpart either.
        try:
            NO_TORCH_MODULE[kind](node.get("config", {}))
        except ValueError as error:
            raise ValueError(f"{path}: {error}") from None
    if kind not in BUILDERS:
        raise ValueError(f"{path}: type {kind!r} has no PyTorch counterpart here; known: {sorted(BUILDERS)}")
    children = [(child["name"], module_from_architecture(child, f"layer {child['name']}" if path.startswith("the")
                                                          else f"{path}.{child['name']}"))
                for child in node.get("children", [])]
    try:
        return BUILDERS[kind](node.get("config", {}), children)
    except KeyError as missing:
        raise ValueError(f"{path}: {kind} lacks hyper-parameter {missing}") from None


def module_from_metadata(metadata):
    """Builds the module a whole-model file's metadata describes, after checking its format version."""
    if ARCHITECTURE_KEY not in metadata:
        raise ValueError("the file holds weights only (no batchnormsharp.architecture in its metadata)")
    version = metadata.get(FORMAT_VERSION_KEY)
    if version != str(FORMAT_VERSION):
        raise ValueError(f"whole-model format version {version!r}; this script reads {FORMAT_VERSION}")
    return module_from_architecture(json.loads(metadata[ARCHITECTURE_KEY]))


def load_model(path):
    """Rebuilds the module from the file's metadata, loads its tensors with strict=True and switches to eval()."""
    state, metadata = load_file(path)
    model = module_from_metadata(metadata)
    model.load_state_dict(state, strict=True)
    return model.eval(), metadata


def describe_module(module, path="the model"):
    """The library's description of a torch module (the inverse of module_from_architecture)."""
    if isinstance(module, torch.nn.Sequential):
        children = []
        for name, child in module.named_children():
            node = {"name": name}
            node.update(describe_module(child, f"{path}.{name}"))
            children.append(node)
        return {"type": "Sequential", "children": children} if children else {"type": "Sequential"}
    if isinstance(module, torch.nn.Linear):
        if module.bias is None:
            raise ValueError(f"{path}: the library's Dense always has a bias; Linear(bias=False) has none")
        return {"type": "Dense", "config": {"in_features": module.in_features, "out_features": module.out_features}}
    if isinstance(module, torch.nn.BatchNorm1d):
        return {"type": "BatchNorm", "config": {
            "num_features": module.num_features, "eps": float(module.eps),
            "momentum": None if module.momentum is None else float(module.momentum),
            "affine": module.affine, "track_running_stats": module.track_running_stats,
            "unbiased_running_variance": True}}
    if isinstance(module, Normalization):
        return {"type": "Normalization",
                "config": {"num_features": int(module.mean.shape[0]), "epsilon": float(module.epsilon)}}
    if isinstance(module, torch.nn.LSTM):
        if not module.batch_first or not module.bias or module.bidirectional or module.proj_size or module.dropout:
            raise ValueError(f"{path}: the library's LSTM is batch_first=True, with biases, one direction, no "
                             "projection and no dropout")
        return {"type": "LSTM", "config": {
            "input_size": module.input_size, "hidden_size": module.hidden_size, "num_layers": module.num_layers,
            "return_sequences": bool(getattr(module, "return_sequences", True)), "init": "PyTorchDefault"}}
    if isinstance(module, LastTimeStep):
        return {"type": "LastTimeStep"}
    for kind, cls in (("ReLU", torch.nn.ReLU), ("Sigmoid", torch.nn.Sigmoid), ("Tanh", torch.nn.Tanh)):
        if type(module) is cls:
            return {"type": kind}
    raise ValueError(f"{path}: {type(module).__name__} has no counterpart in the library")


def save_model(module, path):
    """Writes `module` as a whole-model file: float64 tensors in state-dict order, int64 counts, and the metadata."""
    architecture = json.dumps(describe_module(module), separators=(",", ":"))
    state = collections.OrderedDict(
        (name, tensor.double() if tensor.is_floating_point() else tensor) for name, tensor in module.state_dict().items())
    save_file(state, path, metadata={"format": "pt", FORMAT_VERSION_KEY: str(FORMAT_VERSION),
                                     ARCHITECTURE_KEY: architecture})


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model")
    parser.add_argument("--predictions")
    parser.add_argument("--tolerance", type=float, default=1e-12)
    args = parser.parse_args()

    try:
        model, metadata = load_model(args.model)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"model: {model}")
    print(f"format: {metadata.get('format')}, whole-model format version: {metadata.get(FORMAT_VERSION_KEY)}")
    print("load_state_dict(strict=True): OK")
    if args.predictions is None:
        return 0

    with open(args.predictions) as file:
        expected = json.load(file)
    inputs = torch.tensor(expected["inputs"], dtype=torch.float64)
    library = torch.tensor(expected["outputs"], dtype=torch.float64)
    if "input_shape" in expected:
        # Sequences travel as rows of batch-first values with their shape: [batch, time, features].
        inputs = inputs.reshape(expected["input_shape"])
        library = library.reshape(expected["output_shape"])
    with torch.no_grad():
        outputs = model(inputs)
    difference = (outputs - library).abs().max().item()
    relative = ((outputs - library).abs() / library.abs().clamp(min=1.0)).max().item()
    print(f"input shape: {list(inputs.shape)}, output shape: {list(library.shape)}, "
          f"largest |output|: {library.abs().max().item():.3g}")
    print(f"max abs difference (PyTorch vs library outputs): {difference:.3e}; "
          f"max relative (to max(|output|, 1)): {relative:.3e}")
    if not difference <= args.tolerance:
        print(f"FAIL: above the tolerance {args.tolerance:g}")
        return 1
    print(f"OK: within {args.tolerance:g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
