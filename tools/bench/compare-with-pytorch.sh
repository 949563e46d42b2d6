#!/usr/bin/env bash
# Times the same workloads in PyTorch (on OpenBLAS with the best core type this CPU runs correctly) and in
# BatchNormSharp, each with one thread and with two, in one run, measures the machine's float64 FMA peak, and prints
# one Markdown document: the set-up, then one table with the targets of issue 8. Progress goes to stderr.
#
#   tools/bench/compare-with-pytorch.sh [rounds] > docs/speed-YYYY-MM-DD.md    (default 2 rounds, about 5 minutes)
#   WAIT_FOR_LOAD=0.5 tools/bench/compare-with-pytorch.sh ...     first wait (up to 15 min) for a 1-minute load < 0.5
#   ONLY="mm_512 iris_step" tools/bench/compare-with-pytorch.sh 1   only these workloads (a quick look, a new workload)
#
# How torch is given OpenBLAS: per command, never machine-wide. Debian's torch links libblas.so.3 and
# liblapack.so.3; libopenblas0-pthread puts its own copies in .../openblas-pthread/, so LD_LIBRARY_PATH pointing
# there makes the loader take OpenBLAS for torch's processes alone, whatever update-alternatives says (the
# alternatives, which other programs share, are left as they are). Each torch process reports the BLAS files it
# really mapped (/proc/self/maps), so a wrong selection shows in the output instead of passing silently.
#
# The core type: OpenBLAS 0.3.21 does not know every CPU (an AVX-512 Xeon was run on its generic Prescott kernels,
# ~5× slower), so candidates are taken from /proc/cpuinfo (SkylakeX with AVX-512, Zen on AMD with AVX2, Haswell with
# AVX2, Sandybridge with AVX, OpenBLAS's own detection, Prescott), each checked in a fresh process for correct float64
# products (torch.mm against an 80-bit reference, ≤ 1e-13 componentwise) and timed; the fastest correct one is kept,
# the earliest in that order when within 10 % (timing noise on a busy machine must
# not pick a generic kernel over a specific one). OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE inherited from the environment
# are removed for this script's commands only (an inherited core type is checked as the first candidate); the
# caller's environment is not changed.
set -euo pipefail

rounds="${1:-2}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bench="$repo/tools/bench"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
log() { echo "$*" >&2; }
load1() { cut -d' ' -f1 /proc/loadavg; }

# ---- packages -------------------------------------------------------------------------------------------------
# Debian's interpreter, where apt puts torch (a pyenv or venv python3 earlier on PATH would not see it).
python=/usr/bin/python3
[[ -x "$python" ]] || python="$(command -v python3)"
missing=()
"$python" -c 'import torch, numpy' 2>/dev/null || missing+=(python3-torch python3-numpy)
dpkg -s libopenblas0-pthread >/dev/null 2>&1 || missing+=(libopenblas0-pthread)
if ((${#missing[@]})); then
    log "Installing ${missing[*]} with apt"
    sudo_if_needed=""
    [[ "$(id -u)" == 0 ]] || sudo_if_needed="sudo"
    $sudo_if_needed apt-get install -y "${missing[@]}" >&2
fi
openblas_dir="$(dirname "$(dpkg -L libopenblas0-pthread | grep '/libblas\.so\.3$' | head -n1)")"

# ---- quiet machine ------------------------------------------------------------------------------------------------
if [[ -n "${WAIT_FOR_LOAD:-}" ]]; then
    for _ in $(seq 1 90); do
        awk -v l="$(load1)" -v m="$WAIT_FOR_LOAD" 'BEGIN { exit !(l < m) }' && break
        log "Load $(load1), waiting for < $WAIT_FOR_LOAD..."
        sleep 10
    done
fi
load_start="$(load1)"

# ---- the environment of torch's processes ------------------------------------------------------------------------
inherited_coretype="${OPENBLAS_CORETYPE-}"
inherited_l2="${OPENBLAS_L2_SIZE-}"
# torch_env CORE THREADS: the command prefix for one torch process ("auto" leaves the core to OpenBLAS).
torch_env() {
    local core="$1" threads="$2" lib_dir="${3:-$openblas_dir}"
    local cmd=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE -u OPENBLAS_VERBOSE -u GOTO_NUM_THREADS
        "LD_LIBRARY_PATH=$lib_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
        "OPENBLAS_NUM_THREADS=$threads" "OMP_NUM_THREADS=$threads")
    [[ "$core" == auto ]] || cmd+=("OPENBLAS_CORETYPE=$core")
    printf '%s\n' "${cmd[@]}"
}
run_torch() { # CORE THREADS [LIB_DIR] -- command...
    local core="$1" threads="$2" lib_dir="$openblas_dir"
    shift 2
    if [[ "$1" != -- ]]; then lib_dir="$1"; shift; fi
    shift
    mapfile -t prefix < <(torch_env "$core" "$threads" "$lib_dir")
    "${prefix[@]}" "$@"
}

# ---- choose the core type ---------------------------------------------------------------------------------------
flags=" $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2) "
vendor="$(grep -m1 '^vendor_id' /proc/cpuinfo | cut -d: -f2 | tr -d ' ')"
has() { for f in "$@"; do [[ "$flags" == *" $f "* ]] || return 1; done; }
candidates=()
[[ -n "$inherited_coretype" ]] && candidates+=("$inherited_coretype")
has avx512f avx512cd avx512bw avx512dq avx512vl && candidates+=(SkylakeX)
if has avx2 fma; then
    [[ "$vendor" == AuthenticAMD || "$vendor" == HygonGenuine ]] && candidates+=(Zen)
    candidates+=(Haswell)
fi
has avx && candidates+=(Sandybridge)
candidates+=(auto Prescott)

log "Checking OpenBLAS core types: ${candidates[*]}"
# Two passes over the candidates, keeping each one's better speed (and its worse deviation): a burst of other work
# on the machine during one candidate's timing must not decide the choice.
checks=()
for core in "${candidates[@]}" "${candidates[@]}"; do
    if out="$(run_torch "$core" 1 -- timeout 120 "$python" "$bench/openblas_check.py" 2>/dev/null)"; then
        line="$("$python" -c '
import json, sys
r = json.loads(sys.argv[2])
ok = r["deviation"] <= 1e-13 and r["core"] is not None and any("openblas" in f for f in r["blas"])
fields = [sys.argv[1], r["core"], "%.2e" % r["deviation"], "%.1f" % r["gflops_512"], "ok" if ok else "wrong"]
print("\t".join(fields))
' "$core" "$out")"
    else
        line="$core	-	-	-	failed (exit $?)"
    fi
    log "  $line"
    checks+=("$line")
done
chosen="$(printf '%s\n' "${checks[@]}" | "$python" -c '
import sys
rows = {}
for line in sys.stdin:
    r = line.rstrip("\n").split("\t")
    if r[0] in rows and r[4] == "ok" == rows[r[0]][4]:
        r[2] = max(r[2], rows[r[0]][2], key=float)
        r[3] = max(r[3], rows[r[0]][3], key=float)
    elif r[0] in rows and rows[r[0]][4] != "ok":
        r = rows[r[0]]  # a candidate that failed once stays failed
    rows[r[0]] = r
good = [r for r in rows.values() if r[4] == "ok"]
if good:
    fastest = max(float(r[3]) for r in good)
    pick = next(r for r in good if float(r[3]) >= 0.9 * fastest)
    print(pick[0], pick[1], pick[2])
')"
torch_lib_dir="$openblas_dir"
if [[ -n "$chosen" ]]; then
    read -r core core_name core_deviation <<<"$chosen"
else
    # No OpenBLAS kernel gave correct products: measure torch on the reference BLAS and say so loudly.
    log "WARNING: no OpenBLAS core type passed the check; torch falls back to the reference BLAS"
    core=auto core_name="none (reference BLAS)" core_deviation="-"
    torch_lib_dir="$(dirname "$(dpkg -L libblas3 | grep '/libblas\.so\.3$' | head -n1)")"
fi
log "Chosen: OPENBLAS_CORETYPE=$core (OpenBLAS runs $core_name), deviation $core_deviation"
torch_config="$(run_torch "$core" 2 "$torch_lib_dir" -- env OPENBLAS_VERBOSE=2 "$python" -c '
import torch
torch.set_num_threads(2)
print(torch.__config__.show())
print(torch.__config__.parallel_info())' 2>&1)"

# ---- the run ------------------------------------------------------------------------------------------------------
log "Building the benchmark project (Release)..."
dotnet build "$repo/tests/BatchNormSharp.Benchmarks" -c Release --nologo -v quiet >&2
runner="$repo/tests/BatchNormSharp.Benchmarks/bin/Release/net10.0/BatchNormSharp.Benchmarks.dll"

read -r -a only <<<"${ONLY:-}"
torch_only=()
((${#only[@]})) && torch_only=(--only "${only[@]}")
reports=()
for round in $(seq 1 "$rounds"); do
    # Alternate the sides, so that a burst of other work on the machine does not land on one side only.
    for threads in 1 2; do
        log "Round $round/$rounds: PyTorch, $threads thread(s)..."
        run_torch "$core" "$threads" "$torch_lib_dir" -- "$python" "$bench/torch_workloads.py" --threads "$threads" \
            "${torch_only[@]}" >"$work/torch-$round-$threads.json"
        reports+=("$work/torch-$round-$threads.json")
    done
    log "Round $round/$rounds: BatchNormSharp, 1 and 2 threads, FMA peak..."
    # Two processors for the library's Automatic mode on any machine, to match torch's two threads.
    DOTNET_PROCESSOR_COUNT=2 dotnet "$runner" --compare "${only[@]}" >"$work/library-$round.json"
    reports+=("$work/library-$round.json")
done
load_end="$(load1)"

# ---- the document -------------------------------------------------------------------------------------------------
cpu="$(lscpu | sed -n 's/^Model name: *//p')"
hypervisor="$(lscpu | sed -n 's/^Hypervisor vendor: *//p')"
caches="$(lscpu | sed -n 's/^L2 cache: *\([^(]*[^ (]\).*/\1/p') L2 in all, $(lscpu | sed -n 's/^L3 cache: *\([^(]*[^ (]\).*/\1/p') L3"
family="$(grep -m1 '^cpu family' /proc/cpuinfo | cut -d: -f2 | tr -d ' ')"
model="$(grep -m1 '^model\s*:' /proc/cpuinfo | cut -d: -f2 | tr -d ' ')"
isa="$(for f in avx512f avx2 fma avx; do has "$f" && echo -n "$f "; done)"
echo "# Speed against PyTorch on OpenBLAS, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "- Commit: \`$(git -C "$repo" rev-parse --short HEAD)\` ($(git -C "$repo" log -1 --format=%s | cut -c1-80))"
echo "- CPU: $cpu (family $family, model $model; $isa), $(nproc) cores${hypervisor:+ of a $hypervisor guest}, $caches"
echo "- Load (1-minute average): $load_start at the start, $load_end at the end"
echo "- BLAS for torch: OpenBLAS from \`$torch_lib_dir\` via LD_LIBRARY_PATH (this run only); core type" \
    "\`OPENBLAS_CORETYPE=$core\` → OpenBLAS runs **$core_name**; torch.mm float64 against an 80-bit reference:" \
    "worst componentwise deviation $core_deviation (≤ 1e-13 required)"
echo "- Inherited environment: OPENBLAS_CORETYPE=${inherited_coretype:-(unset)}, OPENBLAS_L2_SIZE=${inherited_l2:-(unset)};" \
    "both removed for this run's commands"
echo "- Core types checked, two passes (candidate, OpenBLAS core, deviation, torch.mm n=512 1T GFLOP/s, verdict):"
for line in "${checks[@]}"; do echo "  \`$(tr '\t' ' ' <<<"$line")\`"; done
echo
"$python" "$bench/make_table.py" "${reports[@]}"
echo
echo "<details><summary>torch.__config__.show() and OPENBLAS_VERBOSE=2, as torch ran (2 threads)</summary>"
echo
echo '```'
echo "$torch_config"
echo '```'
echo "</details>"
