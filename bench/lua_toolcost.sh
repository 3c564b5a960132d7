#!/usr/bin/env bash
# Tool cost on a large Lua program: how long pweval takes, and how much
# memory, to specialize every function prototype of a program of 5,000+
# lines (issue 11's bound: under 10 s on 2 cores and under 2 GB).
#
#   bench/lua_toolcost.sh [COPIES [MAX_LINES]]      (default 2, no limit)
#
# The program is the project's own Lua code, COPIES times over: the
# benchmark suite (bench/lua/*.lua) and the test corpus
# (examples/lua/tests/corpus/*.lua), each file a module of one program
# whose main script does nothing else. examples/lua/build.sh compiles every
# module into the snapshot (none of them runs), so every prototype of every
# file is a request. The specializing step (`pweval -i lua-snapshot.wasm
# -o lua.wasm`, what build.sh runs last) is then timed three times with
# /usr/bin/time; the best wall time and the largest peak RSS are printed.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
copies=${1:-2}
# With MAX_LINES, files are added (in the same order) only while the
# program stays within that many lines, so the issue's 5,000-line bound
# can be measured on a program of about that size as the corpus grows:
# `bench/lua_toolcost.sh 2 5200`.
max_lines=${2:-0}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src"
echo 'print("modules compiled")' > "$work/src/main.lua"
for c in $(seq 1 "$copies"); do
  for f in "$root"/bench/lua/*.lua "$root"/examples/lua/tests/corpus/*.lua; do
    if [ "$max_lines" -gt 0 ] &&
       [ $(( $(cat "$work"/src/*.lua | wc -l) + $(wc -l < "$f") )) -gt "$max_lines" ]; then
      continue
    fi
    cp "$f" "$work/src/c${c}_$(basename "$f")"
  done
done
lines=$(cat "$work"/src/*.lua | wc -l)
files=$(ls "$work"/src/*.lua | wc -l)

cargo build --release --locked --quiet --manifest-path "$root/Cargo.toml"
pweval=$root/target/release/pweval
PWEVAL=$pweval bash "$root/examples/lua/build.sh" "$work/src/main.lua" "$work/out" 2> "$work/build.log" >/dev/null
summary=$(grep "request(s) specialized" "$work/build.log" | grep -v generic-only | tail -1)

best= peak=0
for _ in 1 2 3; do
  /usr/bin/time -f "%e %M" -o "$work/time" "$pweval" -i "$work/out/lua-snapshot.wasm" -o "$work/out/lua.wasm" 2>/dev/null
  read -r wall rss < "$work/time"
  if [ -z "$best" ] || awk "BEGIN{exit !($wall < $best)}"; then best=$wall; fi
  if [ "$rss" -gt "$peak" ]; then peak=$rss; fi
done
if [ "$max_lines" -gt 0 ]; then
  echo "program: $files files, $lines lines (from $copies copies of bench/lua and the corpus, at most $max_lines lines)"
else
  echo "program: $files files, $lines lines ($copies copies of bench/lua and the corpus)"
fi
echo "pweval: ${summary#pweval: }"
echo "specializing every prototype: best of 3 wall ${best} s, peak RSS $((peak / 1024)) MB, on $(nproc) cores"
echo "output: $(stat -c %s "$work/out/lua.wasm") bytes (generic $(stat -c %s "$work/out/lua-generic.wasm"))"
