#!/usr/bin/env python3
"""Speed-ups on the shape corpus (tests/shapes): for every shape built by
each compiler at -O2, the generic-only and the specialized output of
`pweval -w`, run interleaved (generic, specialized, generic, ...) for a long
iteration count; prints the ratio of median wall times and writes
bench/shapes.json, from which `BLESS=1 cargo test --test all shapes` fills
the speed-up column of docs/shapes.md.

    python3 bench/shapes.py [--rounds 5] [--n 10000000] [--only acc_blog]

A shape pweval does not specialize (`--strict` fails) gets its reason
instead of a ratio. Whole-process wall time of `pweval run` (the embedded
wasmtime, JIT), as bench/bench.py measures; each round also runs both with
an iteration count of 1, and the "net" ratio subtracts those start-up times
(compilation, WASI set-up) from both sides. interp's loop count is a
compile-time constant, so its floor run is the same long run.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "bench" / "build" / "shapes"
PWEVAL = ROOT / "target" / "release" / "pweval"
COMPILERS = ["clang-14", "clang-19", "clang-22"]
LEVEL = "O2"


def shapes():
    """(name, is_cpp) for tests/shapes/*.c and *.cpp, then interp."""
    out = sorted((p.stem, p.suffix == ".cpp") for p in (ROOT / "tests" / "shapes").iterdir()
                 if p.suffix in (".c", ".cpp"))
    return out + [("interp", False)]


def build(shape, compiler, n):
    env = dict(os.environ)
    if shape == "interp":
        # interp.c's loop count is a compile-time constant.
        env["EXTRA_CFLAGS"] = f"-DLOOP_COUNT={n}"
    out = subprocess.run(["bash", str(ROOT / "tests/shapes/build.sh"), str(BUILD), shape, compiler, LEVEL],
                         capture_output=True, text=True, env=env)
    if out.returncode != 0:
        return None, "build failed: " + (out.stderr.strip().splitlines() or ["?"])[-1]
    return Path(out.stdout.strip()), None


def pweval(args):
    return subprocess.run([str(PWEVAL)] + [str(a) for a in args], capture_output=True, text=True)


def reason(wasm, out):
    """Why pweval fell back: its warning (`--strict` alone does not print it)."""
    lenient = pweval(["-w", "-i", wasm, "-o", out])
    for line in lenient.stderr.splitlines():
        if line.startswith("warning: request"):
            why = line.split("): ", 1)[-1]
            return why.split("; the guest keeps")[0]
    return "not specialized"


def timed(wasm, n):
    start = time.perf_counter()
    out = subprocess.run([str(PWEVAL), "run", str(wasm), "--", str(n)], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if out.returncode != 0:
        sys.exit(f"shapes.py: {wasm} failed ({out.returncode}):\n{out.stderr}")
    return elapsed, out.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--n", type=int, default=100_000_000, help="iteration count (argv[1] of the guests)")
    ap.add_argument("--only", default="",
                    help="only shapes whose name contains this (their rows in bench/shapes.json are replaced)")
    ap.add_argument("--no-write", action="store_true", help="do not write bench/shapes.json")
    args = ap.parse_args()

    subprocess.run(["cargo", "build", "--quiet", "--bin", "pweval"], cwd=ROOT, check=True)
    BUILD.mkdir(parents=True, exist_ok=True)

    results = []  # (shape, compiler, ratio or reason)
    variants = []  # (key, generic wasm, specialized wasm)
    for shape, cpp in shapes():
        if args.only not in shape:
            continue
        for compiler in COMPILERS:
            if cpp and compiler != "clang-14":
                continue
            key = (shape, compiler)
            wasm, err = build(shape, compiler, args.n)
            if err:
                results.append((*key, err))
                continue
            base = BUILD / f"{shape}.{compiler}.{LEVEL}"
            spec = pweval(["-w", "--strict", "-i", wasm, "-o", f"{base}.pweval.wasm"])
            if spec.returncode != 0:
                results.append((*key, reason(wasm, f"{base}.fallback.wasm")))
                continue
            gen = pweval(["-w", "--generic-only", "-i", wasm, "-o", f"{base}.generic.wasm"])
            if gen.returncode != 0:
                results.append((*key, "generic-only failed: " + gen.stderr.strip()))
                continue
            variants.append((key, Path(f"{base}.generic.wasm"), Path(f"{base}.pweval.wasm")))
            results.append((*key, None))

    # times[key] = [generic, specialized, generic n=1, specialized n=1]
    times = {key: ([], [], [], []) for key, _, _ in variants}
    outputs = {}
    for r in range(args.rounds):
        print(f"round {r + 1}/{args.rounds}", file=sys.stderr)
        for key, generic, spec in variants:
            for i, wasm in enumerate((generic, spec)):
                t, out = timed(wasm, args.n)
                times[key][i].append(t)
                outputs.setdefault(key, [None, None])[i] = out
                if key[0] != "interp":
                    times[key][2 + i].append(timed(wasm, 1)[0])
    for key, _, _ in variants:
        g, s = outputs[key]
        if g != s:
            sys.exit(f"shapes.py: {key}: specialized printed {s!r}, generic {g!r}")

    rows = []
    print(f"\n{'shape':<14} {'compiler':<9} {'generic ms':>11} {'pweval ms':>10} {'floor ms':>9} "
          f"{'speed-up':>9} {'net':>7}")
    for shape, compiler, why in results:
        key = (shape, compiler)
        if why is not None:
            print(f"{shape:<14} {compiler:<9} {'':>11} {'':>10} {'':>9} {'-':>9} {'-':>7}  {why}")
            rows.append([shape, compiler, "not specialized"])
            continue
        g, s = (statistics.median(t) for t in times[key][:2])
        ratio = g / s
        if times[key][2]:
            fg, fs = (statistics.median(t) for t in times[key][2:])
            net = (g - fg) / max(s - fs, 1e-4)
            floor = f"{fs * 1000:.1f}"
        else:
            net, floor = ratio, "-"
        print(f"{shape:<14} {compiler:<9} {g * 1000:>11.1f} {s * 1000:>10.1f} {floor:>9} "
              f"{ratio:>8.1f}x {net:>6.1f}x")
        rows.append([shape, compiler, round(ratio, 2), round(net, 1)])

    if args.no_write:
        return
    path = ROOT / "bench" / "shapes.json"
    if args.only and path.exists():
        # Replace the measured rows in the existing file, keep the others.
        measured = {(r[0], r[1]): r for r in rows}
        old = json.loads(path.read_text())["ratios"]
        rows = [measured.pop((r[0], r[1]), r) for r in old] + list(measured.values())
    what = (f"n = {args.n:,}, {args.rounds} interleaved rounds, ratio of median whole-process wall "
            f"times (net: without the start-up time of an n = 1 run), {os.cpu_count()} CPUs, "
            f"{platform.system()} {platform.release()}")
    lines = ["{", f'  "what": {json.dumps(what)},', '  "ratios": [']
    for i, row in enumerate(rows):
        lines.append("    " + json.dumps(row) + ("," if i + 1 < len(rows) else ""))
    lines += ["  ]", "}"]
    path.write_text("\n".join(lines) + "\n")
    print("\nwrote bench/shapes.json; `BLESS=1 cargo test --test all shapes` puts it into docs/shapes.md",
          file=sys.stderr)


if __name__ == "__main__":
    main()
