#!/usr/bin/env bash
# The main job on the bundled example: build the seed accumulator VM
# (examples/interp-c), snapshot it with its bytecode, specialize it with
# pweval, then run the generic and the specialized module and print the
# times and the speed-up.
#   scripts/demo.sh [LOOP_COUNT]      (default 100000000)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
loop_count=${1:-100000000}
scripts/install-toolchain.sh
echo "demo: building pweval"
cargo build --locked --quiet
echo "demo: building the example guest (LOOP_COUNT=$loop_count)"
make --no-print-directory -s -C examples/interp-c LOOP_COUNT="$loop_count"
build=examples/interp-c/build
pweval=target/debug/pweval
echo "demo: pweval -w -i $build/interp.wasm -o $build/interp.pweval.wasm --stats"
"$pweval" -w -i "$build/interp.wasm" -o "$build/interp.pweval.wasm" --stats

# Best of three whole-process runs, in milliseconds.
best_ms() {
  local best=
  for _ in 1 2 3; do
    local start end ms
    start=$(date +%s%N)
    "$pweval" run "$1" >/dev/null
    end=$(date +%s%N)
    ms=$(( (end - start) / 1000000 ))
    if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
  done
  echo "$best"
}
echo "demo: generic interpreter:    $("$pweval" run "$build/interp-generic.wasm")"
echo "demo: specialized by pweval:  $("$pweval" run "$build/interp.pweval.wasm")"
generic=$(best_ms "$build/interp-generic.wasm")
special=$(best_ms "$build/interp.pweval.wasm")
echo "demo: generic Wasm   ${generic} ms (best of 3, whole process, wasmtime)"
echo "demo: pweval output  ${special} ms"
awk -v g="$generic" -v s="$special" 'BEGIN { printf "demo: speed-up %.1fx\n", g / (s > 0 ? s : 1) }'
