#!/usr/bin/env bash
# Library → PyTorch, end to end: train the Digits sample, save it as .safetensors, export its test-set
# probabilities, then load the file into torch.nn.Sequential (load_state_dict strict=True) and compare.
# Needs Debian's python3-torch. Usage: tools/pytorch/check_digits_roundtrip.sh [--seed N] [--epochs N]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Debian's python3-torch lives in the system interpreter; a pyenv or venv python3 earlier on PATH may lack it.
python=python3
if ! "$python" -c 'import torch' 2>/dev/null && [ -x /usr/bin/python3 ]; then python=/usr/bin/python3; fi

dotnet run -c Release --project "$root/samples/Digits" -- "$@" \
  --model "$work/digits.safetensors" --export-predictions "$work/predictions.json"
"$python" "$root/tools/pytorch/check_library_file.py" "$work/digits.safetensors" "$work/predictions.json"
