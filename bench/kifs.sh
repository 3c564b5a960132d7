#!/usr/bin/env bash
# Cost of K sequential ifs on the stack VM (read.local/write.local), the
# table in docs/specialize.md: for each K, a generated program whose
# function `big` runs K times `if (x & i) local_i += i` and then sums the
# locals (the program of tests/all/budgets.rs), snapshotted, then
# specialized with --stats under /usr/bin/time.
#
#   bench/kifs.sh [K ...]        (default 4 8 16 32 64)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ks=("$@")
[ ${#ks[@]} -gt 0 ] || ks=(4 8 16 32 64)
cargo build --release --locked --quiet --manifest-path "$root/Cargo.toml"
make --no-print-directory -s -C "$root/examples/stackvm" >/dev/null
pweval=$root/target/release/pweval
guest=$root/examples/stackvm/build/stackvm.wasm
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
program() {
  local k=$1 i
  echo "global scale 1"
  printf 'func small 1 1\n  load 0\n  push 3\n  imul\n  ret\nend\n'
  echo "func big 1 $((k + 1))"
  for i in $(seq 1 "$k"); do
    printf '  load 0\n  push %d\n  iand\n  jz L%d\n  load %d\n  push %d\n  iadd\n  store %d\nL%d:\n' "$i" "$i" "$i" "$i" "$i" "$i"
  done
  echo "  push 0"
  for i in $(seq 1 "$k"); do printf '  load %d\n  iadd\n' "$i"; done
  printf '  ret\nend\n'
  printf 'func main 0 0\n  gload scale\n  call small\n  printi\n  printnl\n'
  printf '  gload scale\n  call big\n  printi\n  printnl\n  push 0\n  ret\nend\n'
}
printf '%6s %9s %11s %10s %9s %9s\n' K contexts "blocks out" "spec (ms)" "wall (s)" "RSS (MB)"
for k in "${ks[@]}"; do
  mkdir -p "$work/$k"
  program "$k" > "$work/$k/program.asm"
  # The stack VM allows at most 256 locals, so K <= 255; say why a K has no row.
  if ! "$pweval" -w --dir "$work/$k::/" --snapshot-only -i "$guest" -o "$work/$k/snap.wasm" 2> "$work/$k/snap.err"; then
    printf '%6s  snapshot failed: %s\n' "$k" "$(head -n 1 "$work/$k/snap.err")"
    continue
  fi
  /usr/bin/time -f "%e %M" -o "$work/$k/time" "$pweval" --stats -i "$work/$k/snap.wasm" -o "$work/$k/out.wasm" 2> "$work/$k/stats"
  line=$(grep "function stackvm_run_spec" "$work/$k/stats" | grep "user_id 2" || true)
  contexts=$(sed -n 's/.*specialized, \([0-9]*\) contexts.*/\1/p' <<< "$line")
  blocks=$(sed -n 's/.*blocks [0-9]* -> \([0-9]*\).*/\1/p' <<< "$line")
  ms=$(sed -n 's/.* \([0-9.]*\) ms$/\1/p' <<< "$line")
  read -r wall rss < "$work/$k/time"
  printf '%6s %9s %11s %10s %9s %9s\n' "$k" "$contexts" "$blocks" "$ms" "$wall" "$((rss / 1024))"
done
