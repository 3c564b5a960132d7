#!/usr/bin/env python3
"""JIT against precompiled speed-ups of Lua suite programs at several sizes.

    python3 bench/lua_sizes.py [--rounds N] PROGRAM=SIZE,SIZE... [...]
    python3 bench/lua_sizes.py fib=35,38 quicksort=2000000,8000000

Every JIT run compiles the whole Lua module before it runs (0.2-0.3 s on
2 cores), the generic build and the specialized one alike, and that cost
does not shrink with the program. So the JIT ratio of a short program sits
below its precompiled ratio, and moves toward it as the program runs
longer. This prints both ratios per size, from the four builds that
`bench/run.sh` (or `bench.py --lua-only`) left in bench/build/lua/PROGRAM,
timed interleaved as the suite is (median of N rounds, whole-process wall
time, every run's output checked against the first run's).

Needs those builds and a release pweval (target/release/pweval, or $PWEVAL).
"""
import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

from bench import interleaved

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "bench" / "build" / "lua"


def parse(spec):
    name, _, sizes = spec.partition("=")
    if not name or not sizes:
        sys.exit(f"lua_sizes: expected PROGRAM=SIZE,SIZE..., got {spec!r}")
    return name, [s for s in sizes.split(",") if s]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--rounds", type=int, default=3, help="interleaved rounds per size (default 3)")
    p.add_argument("programs", nargs="+", help="PROGRAM=SIZE,SIZE... (a bench/lua program and its argument)")
    a = p.parse_args()
    pweval = os.environ.get("PWEVAL", str(ROOT / "target" / "release" / "pweval"))
    if not Path(pweval).exists():
        sys.exit(f"lua_sizes: no pweval at {pweval} (cargo build --release --locked, or set PWEVAL)")
    print("| program | size | generic JIT (ms) | pweval JIT (ms) | JIT | generic precompiled (ms) "
          "| pweval precompiled (ms) | precompiled |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, sizes in map(parse, a.programs):
        d = BUILD / name
        builds = [d / f for f in ("lua-generic.wasm", "lua.wasm", "lua-generic.cwasm", "lua.cwasm")]
        missing = [str(b) for b in builds if not b.exists()]
        if missing:
            sys.exit(f"lua_sizes: missing {', '.join(missing)}: run `bash bench/run.sh` (or "
                     "`python3 bench/bench.py --lua-only`) first")
        for size in sizes:
            args = ["--", size]
            variants = {
                "gj": [pweval, "run", builds[0]] + args,
                "sj": [pweval, "run", builds[1]] + args,
                "ga": [pweval, "run", "--aot", builds[2]] + args,
                "sa": [pweval, "run", "--aot", builds[3]] + args,
            }
            expect = subprocess.run(variants["ga"], capture_output=True, text=True).stdout
            times = interleaved(variants, a.rounds, expect)
            m = {k: statistics.median(v) * 1000 for k, v in times.items()}
            print(f"| {name} | {size} | {m['gj']:.0f} | {m['sj']:.0f} | {m['gj'] / m['sj']:.2f}x "
                  f"| {m['ga']:.0f} | {m['sa']:.0f} | {m['ga'] / m['sa']:.2f}x |", flush=True)


if __name__ == "__main__":
    main()
