#!/usr/bin/env bash
# Benchmarks: build every variant of the example programs and time them
# interleaved in one run; writes bench/results.md and bench/results.svg.
#   bench/run.sh [--rounds N] [--loop-count N] [--quick]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/install-toolchain.sh
cargo build --locked --quiet
exec python3 bench/bench.py "$@"
