#!/usr/bin/env bash
# Benchmarks: build every variant of the example programs and time them
# interleaved in one run; writes bench/results.md and bench/results.svg.
#   bench/run.sh [--rounds N] [--loop-count N] [--quick] [--no-suite]
# weval is optional: `weval` on PATH, or WEVAL=/path/to/weval; without it the
# weval rows are skipped (install: cargo install weval --locked, ~10 minutes).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/install-toolchain.sh
cargo build --release --locked --quiet
exec python3 bench/bench.py "$@"
