#!/usr/bin/env bash
# Times the same workloads in PyTorch and in BatchNormSharp in one run and prints one Markdown table:
# workload, torch time, library time, ratio, target, met?  Takes a few minutes.
#
#   tools/bench/compare-with-pytorch.sh [rounds]      (default 2 rounds; each figure keeps its best round)
#
# Torch is Debian's python3-torch (installed with apt when missing), run with its default threads in float64.
# The library side is `BatchNormSharp.Benchmarks --compare`, a median-of-samples runner; the thorough figures come
# from the BenchmarkDotNet suite in the same project (see docs/README-speed.md).
set -euo pipefail

rounds="${1:-2}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Debian's interpreter, where apt puts torch (a pyenv or venv python3 earlier on PATH would not see it).
python=/usr/bin/python3
[[ -x "$python" ]] || python="$(command -v python3)"
if ! "$python" -c 'import torch' 2>/dev/null; then
    echo "PyTorch not found for $python: installing Debian's python3-torch" >&2
    sudo_if_needed=""
    [[ "$(id -u)" == 0 ]] || sudo_if_needed="sudo"
    $sudo_if_needed apt-get install -y python3-torch >&2
fi

echo "Building the benchmark project (Release)..." >&2
dotnet build "$repo/tests/BatchNormSharp.Benchmarks" -c Release --nologo -v quiet >&2
runner="$repo/tests/BatchNormSharp.Benchmarks/bin/Release/net10.0/BatchNormSharp.Benchmarks.dll"

torch_files=()
library_files=()
for round in $(seq 1 "$rounds"); do
    # Alternate the two sides, so that a burst of other work on the machine does not land on one side only.
    echo "Round $round/$rounds: PyTorch..." >&2
    "$python" "$repo/tools/bench/torch_workloads.py" >"$work/torch-$round.json"
    torch_files+=("$work/torch-$round.json")
    echo "Round $round/$rounds: BatchNormSharp..." >&2
    dotnet "$runner" --compare >"$work/library-$round.json"
    library_files+=("$work/library-$round.json")
done

echo
echo "Machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $(date -u +%Y-%m-%d)"
echo
"$python" "$repo/tools/bench/make_table.py" "${torch_files[@]}" -- "${library_files[@]}"
