#!/usr/bin/env bash
# The LSTM both ways with PyTorch: a model trained and saved by the library (Sequential(LSTM, Dense)) loads into the
# equivalent torch module with load_state_dict(strict=True) and predicts the same; a model trained and saved by
# PyTorch loads into the library and predicts the same (both within 1e-10). Two shapes: one input and one layer, and
# three inputs and two stacked layers. Needs Debian's python3-torch.
# Usage: tools/pytorch/check_lstm_roundtrip.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Debian's python3-torch lives in the system interpreter; a pyenv or venv python3 earlier on PATH may lack it.
python=python3
if ! "$python" -c 'import torch' 2>/dev/null && [ -x /usr/bin/python3 ]; then python=/usr/bin/python3; fi
script="$root/tools/pytorch/lstm_roundtrip.py"

dotnet build -c Release -v quiet -nologo "$root/tools/pytorch/LstmRoundTrip/LstmRoundTrip.csproj" >/dev/null
tool() { dotnet run -c Release --no-build --project "$root/tools/pytorch/LstmRoundTrip/LstmRoundTrip.csproj" -- "$@"; }

for shape in "--input 1 --hidden 16 --layers 1 --time 12" "--input 3 --hidden 8 --layers 2 --time 7"; do
    echo "== shape: $shape"
    # shellcheck disable=SC2086
    tool save "$work/library.safetensors" "$work/library.json" $shape --seed 3
    "$python" "$script" check-library "$work/library.safetensors" "$work/library.json"
    # shellcheck disable=SC2086
    "$python" "$script" make-torch "$work/torch.safetensors" "$work/torch.json" $shape --seed 4
    tool predict "$work/torch.safetensors" "$work/torch.json" "$work/library-from-torch.json"
    "$python" "$script" compare "$work/torch.json" "$work/library-from-torch.json"
done
echo "LSTM round trip: OK"
