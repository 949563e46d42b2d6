#!/usr/bin/env bash
# Whole-model file → PyTorch, end to end: the library saves a model holding every layer type with non-default
# hyper-parameters (ModelFile.Save), loads it back without code (ModelFile.Load) and writes its outputs; then
# model_file.py rebuilds the torch module from the file's metadata alone, loads the tensors with
# load_state_dict(strict=True) and requires the same outputs to 1e-12. The same for a model of stacked LSTMs returning
# sequences with Tanh, LastTimeStep and Sigmoid, and for an LSTM returning its last step; a BatchNormLSTM, which has
# no torch module, must be refused with a message saying so.
# Needs Debian's python3-torch. Usage: tools/pytorch/check_model_file.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Debian's python3-torch lives in the system interpreter; a pyenv or venv python3 earlier on PATH may lack it.
python=python3
if ! "$python" -c 'import torch' 2>/dev/null && [ -x /usr/bin/python3 ]; then python=/usr/bin/python3; fi

dotnet run -c Release --project "$root/tools/pytorch/ModelFileWriter" -- "$work"
"$python" "$root/tools/pytorch/model_file.py" "$work/model.safetensors" \
  --predictions "$work/predictions.json" --tolerance 1e-12
for name in sequences lstm; do
  "$python" "$root/tools/pytorch/model_file.py" "$work/$name.safetensors" \
    --predictions "$work/$name.json" --tolerance 1e-12
done
if "$python" "$root/tools/pytorch/model_file.py" "$work/batchnorm_lstm.safetensors" 2>"$work/refusal.txt"; then
  echo "FAIL: model_file.py accepted a BatchNormLSTM, which has no torch module"; exit 1
fi
if ! grep -q "BatchNormLSTM (Cooijmans) has no PyTorch module" "$work/refusal.txt"; then
  echo "FAIL: model_file.py refused the BatchNormLSTM without saying why:"; cat "$work/refusal.txt"; exit 1
fi
echo "BatchNormLSTM: refused as expected: $(tail -n 1 "$work/refusal.txt")"
