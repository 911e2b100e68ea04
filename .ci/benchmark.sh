#!/bin/sh
# Runs the book's benchmark and the PyTorch peer side by side and prints the
# medians and the ratios. Optional: not part of the build or of the README's two
# commands. See --help.
set -eu

usage() {
  cat <<'HELP'
usage: .ci/benchmark.sh [--build DIR] [--data DIR] [--peer FILE] [--repeat N] [--only WORKLOAD]

Runs build/code/benchmark (the book) and the PyTorch peer script alternately,
N times each (default 5), on the same three workloads, and prints the median
of each workload for each side and the ratio, book against PyTorch:
  minibatch_epoch  seconds for one epoch, batch 64      (PyTorch ÷ book: how many times faster)
  sgd_samples      per-sample updates per second        (book ÷ PyTorch)
  fullbatch_step   milliseconds per full-batch step     (PyTorch ÷ book)
The targets of the book (issue 12): ≥ 20, ≥ 100 and ≥ 3.

Build the benchmark first: cmake --build build --target benchmark

The PyTorch side runs with Debian's /usr/bin/python3 and needs the packages
  python3-torch python3-numpy libopenblas0-pthread
(sudo apt-get install python3-torch python3-numpy libopenblas0-pthread).
This script installs nothing. It runs the peer with OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE unset, so that OpenBLAS picks its kernel for this processor.

Options:
  --build DIR      the book's build folder (default: build)
  --data DIR       the MNIST IDX files (default: data/mnist)
  --peer FILE      the peer script (default: code/peer/pytorch_mlp.py of this repository)
  --repeat N       runs of each side (default: 5)
  --only WORKLOAD  one of minibatch_epoch, sgd_samples, fullbatch_step
  --threads N      threads for both sides (default: 2)
HELP
}

build=build data=data/mnist peer="$(dirname "$0")/../code/peer/pytorch_mlp.py" repeat=5 only= threads=2
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    --peer) peer=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "benchmark.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

book="$build/code/benchmark"
[ -x "$book" ] || { echo "benchmark.sh: $book not found; build it: cmake --build $build --target benchmark" >&2; exit 1; }
[ -f "$peer" ] || { echo "benchmark.sh: the peer script $peer not found (--peer FILE)" >&2; exit 1; }
/usr/bin/python3 -c 'import torch, numpy' 2>/dev/null ||
  { echo "benchmark.sh: /usr/bin/python3 cannot import torch and numpy; install python3-torch python3-numpy libopenblas0-pthread" >&2; exit 1; }

only_flag=
[ -n "$only" ] && only_flag="--only $only"
results=$(mktemp)
trap 'rm -f "$results"' EXIT
i=1
while [ "$i" -le "$repeat" ]; do
  echo "run $i of $repeat: the book" >&2
  # shellcheck disable=SC2086
  "$book" --data "$data" --threads "$threads" $only_flag | tee -a "$results" >&2
  echo "run $i of $repeat: PyTorch" >&2
  # shellcheck disable=SC2086
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 "$peer" --data "$data" --threads "$threads" $only_flag |
    tee -a "$results" >&2
  i=$((i + 1))
done

/usr/bin/python3 - "$results" <<'PY'
import json, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    runs.setdefault((r["workload"], r["peer"]), []).append(r)
better = {"minibatch_epoch": "lower", "sgd_samples": "higher", "fullbatch_step": "lower"}
target = {"minibatch_epoch": 20, "sgd_samples": 100, "fullbatch_step": 3}
print(f"{'workload':16} {'book (median)':>18} {'PyTorch (median)':>18} {'ratio':>8} {'target':>7}  accuracy book/PyTorch")
for workload in ("minibatch_epoch", "sgd_samples", "fullbatch_step"):
    book, torch = runs.get((workload, "nn-from-scratch")), runs.get((workload, "pytorch"))
    if not book or not torch:
        continue
    b = statistics.median(r["value"] for r in book)
    t = statistics.median(r["value"] for r in torch)
    ratio = t / b if better[workload] == "lower" else b / t
    unit = book[0]["unit"]
    print(f"{workload:16} {b:12.4g} {unit:>5} {t:12.4g} {unit:>5} {ratio:7.2f}x {'≥' + str(target[workload]):>7}  "
          f"{statistics.median(r['test_accuracy'] for r in book):.4f}/{statistics.median(r['test_accuracy'] for r in torch):.4f}")
print(f"({min(len(r) for r in runs.values())} runs each, alternating; ratio > 1 means the book is faster)")
PY
