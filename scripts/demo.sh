#!/usr/bin/env bash
# The main job on the bundled example: build the seed accumulator VM
# (examples/interp-c), snapshot it with its bytecode and take it through
# pweval, printing what pweval did.
#   scripts/demo.sh [LOOP_COUNT]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
loop_count=${1:-100000000}
scripts/install-toolchain.sh
echo "demo: building pweval"
cargo build --locked --quiet
echo "demo: building the example guest (LOOP_COUNT=$loop_count)"
make --no-print-directory -s -C examples/interp-c LOOP_COUNT="$loop_count"
build=examples/interp-c/build
echo "demo: pweval -w -i $build/interp.wasm -o $build/interp.pweval.wasm --stats"
target/debug/pweval -w -i "$build/interp.wasm" -o "$build/interp.pweval.wasm" --stats
echo "demo: output written to $build/interp.pweval.wasm ($(wc -c <"$build/interp.pweval.wasm") bytes)"
