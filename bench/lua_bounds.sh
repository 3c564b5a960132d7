#!/usr/bin/env bash
# How far can specializing Lua's interpreter go, program by program?
#
# pweval compiles the interpreter loop per prototype (its copy
# `luaV_execute_spec`; the generic build runs `luaV_execute_body`);
# it does not touch Lua's C runtime (tables, strings, the GC, luaD_precall,
# the standard library) nor wasmtime's compile time in a JIT run. If the
# specialized body took no time at all, a program would run in the time
# the generic build spends outside the body, so its speed-up is at most
#
#     bound = 1 / (1 - share of the generic run's time in luaV_execute_body)
#
# This script measures that share with `perf` (sampling at 2 kHz, symbols
# from `pweval run --perf-map`) for every program of the Lua suite, JIT and
# precompiled, and prints a Markdown table with the bound and the geometric
# mean of the bounds. The share of the specialized run's time in the
# specialized bodies (and in the generic body, for frames that run
# generically) says how much is left to gain there.
#
#     bash bench/lua_bounds.sh [PROGRAM...]      # default: the whole suite
#
# For the whole suite the table also goes to bench/lua-bounds.md, which
# bench/lua_chart.py draws with the speed-ups.
#
# Needs the suite built by `bash bench/run.sh` (bench/build/lua/*), `perf`,
# and a release pweval (target/release/pweval, or $PWEVAL).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
pweval=${PWEVAL:-$root/target/release/pweval}
build=$root/bench/build/lua
if ! command -v perf >/dev/null; then
  echo "lua_bounds.sh: needs perf (Debian: linux-perf)" >&2; exit 1
fi
if [ ! -x "$pweval" ]; then
  echo "lua_bounds.sh: no pweval at $pweval (cargo build --release)" >&2; exit 1
fi
programs=("$@")
save=
if [ ${#programs[@]} -eq 0 ]; then
  save=$root/bench/lua-bounds.md
  for d in "$root"/bench/lua/*.lua; do programs+=("$(basename "$d" .lua)"); done
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# share SYMBOL_REGEX PERF_DATA: percent of all samples whose symbol matches.
share() {
  perf report -i "$2" --no-children --sort symbol --percent-limit 0 2>/dev/null |
    awk -v re="$1" '/^#/ || !/%/ { next }
      { p = $1; sub("%", "", p); sym = $3; if (sym ~ re) s += p }
      END { printf "%.1f", s + 0 }'
}

# sample NAME MODULE [--aot]: perf data of one run of the program.
sample() {
  local out=$tmp/$1.data; shift
  (cd "$dir" && perf record -q -o "$out" -F 2000 "$pweval" run --perf-map "$@" >/dev/null 2>&1) ||
    { echo "lua_bounds.sh: $prog: perf record failed" >&2; exit 1; }
  echo "$out"
}

report() {
  echo "| program | generic JIT: in body | bound JIT | generic precompiled: in body | bound precompiled | pweval precompiled: in specialized bodies / generic body |"
  echo "|---|---:|---:|---:|---:|---:|"
  log_jit=0; log_aot=0; n=0
  for prog in "${programs[@]}"; do
    dir=$build/$prog
    if [ ! -f "$dir/lua-generic.cwasm" ]; then
      echo "lua_bounds.sh: $dir has no build; run bash bench/run.sh first" >&2; exit 1
    fi
    gj=$(share '^luaV_execute_body$' "$(sample gj lua-generic.wasm)")
    ga=$(share '^luaV_execute_body$' "$(sample ga --aot lua-generic.cwasm)")
    sa=$(sample sa --aot lua.cwasm)
    ss=$(share '^luaV_execute_spec\.pweval\.' "$sa")
    sg=$(share '^luaV_execute_body$' "$sa")
    bj=$(awk -v s="$gj" 'BEGIN { printf "%.2f", 100 / (s < 99.9 ? 100 - s : 0.1) }')
    ba=$(awk -v s="$ga" 'BEGIN { printf "%.2f", 100 / (s < 99.9 ? 100 - s : 0.1) }')
    echo "| $prog | $gj% | ${bj}x | $ga% | ${ba}x | $ss% / $sg% |"
    log_jit=$(awk -v a="$log_jit" -v b="$bj" 'BEGIN { print a + log(b) }')
    log_aot=$(awk -v a="$log_aot" -v b="$ba" 'BEGIN { print a + log(b) }')
    n=$((n + 1))
  done
  awk -v j="$log_jit" -v a="$log_aot" -v n="$n" \
    'BEGIN { printf "| geometric mean of the bounds | | %.2fx | | %.2fx | |\n", exp(j / n), exp(a / n) }'
}

if [ -n "$save" ]; then
  report | tee "$save.tmp"
  mv "$save.tmp" "$save"
else
  report
fi
