#!/usr/bin/env bash
# The penguin sex classifier of samples/BinaryClassifier, in the library and in PyTorch on the same splits, over
# seeds 0..N-1: each seed's split is written by the sample (--write-split) and read by
# tools/pytorch/penguins_binary.py, which redoes encoding, scaling and training in torch. Prints every run and the
# min / median / max of test accuracy and ROC AUC for each side. Needs Debian's python3-torch.
# Usage: tools/pytorch/compare_penguins_binary.sh [--seeds N] [--epochs N]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
seeds=10
epochs=15
while [ $# -gt 0 ]; do
    case "$1" in
        --seeds) seeds="$2"; shift 2 ;;
        --epochs) epochs="$2"; shift 2 ;;
        *) echo "unknown option $1 (expected --seeds N or --epochs N)" >&2; exit 2 ;;
    esac
done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Debian's python3-torch lives in the system interpreter; a pyenv or venv python3 earlier on PATH may lack it.
python=python3
if ! "$python" -c 'import torch' 2>/dev/null && [ -x /usr/bin/python3 ]; then python=/usr/bin/python3; fi

dotnet build "$root/samples/BinaryClassifier" -c Release -v quiet -nologo >/dev/null
for ((seed = 0; seed < seeds; seed++)); do
    dotnet run --project "$root/samples/BinaryClassifier" -c Release --no-build -- --penguins-only \
        --seed "$seed" --epochs "$epochs" --write-split "$work/split-$seed.json" >"$work/library-$seed.txt"
    "$python" "$root/tools/pytorch/penguins_binary.py" --split "$work/split-$seed.json" \
        --seed "$seed" --epochs "$epochs" >"$work/torch-$seed.txt"
    lib_acc=$(sed -n 's/^Test accuracy: \([0-9.]*\).*/\1/p' "$work/library-$seed.txt")
    lib_auc=$(sed -n 's/^ROC AUC: \([0-9.]*\).*/\1/p' "$work/library-$seed.txt")
    pt_acc=$(sed -n 's/^Test accuracy: \([0-9.]*\).*/\1/p' "$work/torch-$seed.txt")
    pt_auc=$(sed -n 's/^ROC AUC: \([0-9.]*\).*/\1/p' "$work/torch-$seed.txt")
    echo "seed $seed  library: accuracy $lib_acc  AUC $lib_auc   PyTorch: accuracy $pt_acc  AUC $pt_auc" \
        | tee -a "$work/runs.txt"
done
"$python" - "$work/runs.txt" "$seeds" "$epochs" <<'PY'
import statistics, sys
runs = [line.split() for line in open(sys.argv[1])]
cols = {"library": (4, 6), "PyTorch": (9, 11)}
print(f"\n{sys.argv[2]} seeds, {sys.argv[3]} epochs: min / median / max")
print("| | test accuracy | ROC AUC |")
print("|---|---|---|")
for name, (a, u) in cols.items():
    cells = []
    for i in (a, u):
        v = [float(r[i]) for r in runs]
        cells.append(f"{min(v):.4f} / {statistics.median(v):.4f} / {max(v):.4f}")
    print(f"| {name} | {cells[0]} | {cells[1]} |")
PY
