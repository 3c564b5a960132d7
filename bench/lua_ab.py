#!/usr/bin/env python3
"""Is guest or engine change B faster than A? Two Lua snapshots, specialized
and timed at several code placements, interleaved, samples pooled.

    python3 bench/lua_ab.py [--rounds N] [--placements N] [--jit] A.wasm B.wasm [-- ARGS...]

A and B are `lua-snapshot.wasm` files of the same program written by
`examples/lua/build.sh` from two checkouts (a `git worktree` of the old
revision builds the old one; set PWEVAL to the pweval that should
specialize both). Each is specialized with PWEVAL at every placement
(bench/placement.py), and the precompiled builds (the JIT builds with
--jit) run interleaved, A and B at every placement in each round; every
run's output must equal A's first. Prints the median per placement, the
pooled median of each, and B / A.

Why pooled: the machine code of a function runs at different speeds at
different offsets (the Lua suite's `mandelbrot`: identical machine code,
224 to 276 ms), and a change anywhere in the module moves it, so a single
build of A against a single build of B compares two draws of that spread.
Differences of a few percent between single builds decided nothing.

Needs a release pweval (target/release/pweval, or $PWEVAL).
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import interleaved
from placement import PLACEMENT_STORES, placed

ROOT = Path(__file__).resolve().parent.parent


def build(pweval, snapshot, placement, out):
    """Specialize `snapshot` at `placement` into `out`; the module and its .cwasm."""
    out.mkdir(parents=True)
    snapshot = placed(snapshot, placement, out)
    spec, cwasm = out / "lua.wasm", out / "lua.cwasm"
    r = subprocess.run([pweval, "-i", snapshot, "-o", spec, "--aot", cwasm], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"lua_ab: specializing {snapshot} failed:\n{r.stderr}")
    return spec, cwasm


def main():
    argv = sys.argv[1:]
    guest = argv[argv.index("--") + 1:] if "--" in argv else []
    argv = argv[:argv.index("--")] if "--" in argv else argv
    p = argparse.ArgumentParser(
        usage="%(prog)s [--rounds N] [--placements N] [--jit] A.wasm B.wasm [-- ARGS...]",
        description="Is change B faster than A? Two Lua snapshots (lua-snapshot.wasm of one program), "
                    "specialized and timed at several code placements, interleaved, samples pooled; "
                    "ARGS go to the Lua program.")
    p.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    p.add_argument("--placements", type=int, default=4,
                   help=f"code placements, 1 to {len(PLACEMENT_STORES)} (default 4)")
    p.add_argument("--jit", action="store_true", help="time JIT runs instead of precompiled ones")
    p.add_argument("a", help="the baseline's lua-snapshot.wasm")
    p.add_argument("b", help="the candidate's lua-snapshot.wasm")
    a = p.parse_args(argv)
    if not 1 <= a.placements <= len(PLACEMENT_STORES):
        p.error(f"--placements must be 1 to {len(PLACEMENT_STORES)}")
    pweval = os.environ.get("PWEVAL", str(ROOT / "target" / "release" / "pweval"))
    if not Path(pweval).exists():
        sys.exit(f"lua_ab: no pweval at {pweval} (cargo build --release --locked, or set PWEVAL)")
    for f in (a.a, a.b):
        if not Path(f).is_file():
            sys.exit(f"lua_ab: no such file: {f}")
    with tempfile.TemporaryDirectory(prefix="lua_ab.") as tmp:
        variants = {}
        for side, snapshot in (("A", a.a), ("B", a.b)):
            for placement in range(a.placements):
                spec, cwasm = build(pweval, snapshot, placement, Path(tmp) / side / str(placement))
                run = [pweval, "run", spec] if a.jit else [pweval, "run", "--aot", cwasm]
                variants[(side, placement)] = run + ["--"] + guest
        first = subprocess.run(variants[("A", 0)], capture_output=True, text=True)
        if first.returncode != 0:
            sys.exit(f"lua_ab: A failed ({first.returncode}):\n{first.stderr}")
        times = interleaved(variants, a.rounds, first.stdout)
    kind = "JIT" if a.jit else "precompiled"
    pooled = {}
    for side in ("A", "B"):
        per = [statistics.median(times[(side, p)]) * 1000 for p in range(a.placements)]
        pooled[side] = statistics.median([t for p in range(a.placements) for t in times[(side, p)]]) * 1000
        print(f"{side} ({kind}): pooled {pooled[side]:.0f} ms; per placement "
              + " ".join(f"{t:.0f}" for t in per))
    print(f"B / A: {pooled['B'] / pooled['A']:.3f} ({a.rounds} rounds x {a.placements} placements each)")


if __name__ == "__main__":
    main()
