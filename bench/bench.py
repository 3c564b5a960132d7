#!/usr/bin/env python3
"""pweval benchmarks: every variant of each example program, run
interleaved (A B C A B C ...) so that machine noise hits all of them alike,
reported as min and median wall time per variant and as ratios.

Run through bench/run.sh (it builds pweval and installs the C toolchain).
"""
import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import lua_chart
import lua_suite
import placement
import plotting
import threaded_suite

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "bench" / "build"
PWEVAL = ROOT / "target" / "release" / "pweval"
EXPECTED_SUM = "Result: 5000000050000000\n"


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def timed(cmd, expect=None):
    """Wall time of one whole process, checking its output."""
    start = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if out.returncode != 0:
        sys.exit(f"bench: {' '.join(map(str, cmd))} failed ({out.returncode}):\n{out.stderr}")
    if expect is not None and out.stdout != expect:
        sys.exit(f"bench: {' '.join(map(str, cmd))} printed {out.stdout!r}, expected {expect!r}")
    return elapsed


def interleaved(variants, rounds, expect):
    """Each variant timed `rounds` times in the order A B C A B C ..., so that
    machine noise hits all of them alike; every run's output is checked."""
    times = {k: [] for k in variants}
    for _ in range(rounds):
        for k, cmd in variants.items():
            times[k].append(timed(cmd, expect))
    return times


WEVAL_MISSING = ("weval not found (not on PATH, WEVAL unset), so its rows are skipped: install it with "
                 "`cargo install weval --locked` (about 10 minutes on 2 cores), or set WEVAL=/path/to/weval")


def weval_bin():
    """The weval binary: $WEVAL if set, else `weval` on PATH, else None."""
    env = os.environ.get("WEVAL")
    if env:
        if not (Path(env).is_file() and os.access(env, os.X_OK)):
            sys.exit(f"bench: WEVAL={env} is not an executable file")
        return env
    return shutil.which("weval")


def weval_version():
    try:
        return sh([weval_bin(), "--version"]).stdout.strip()
    except Exception:
        return "weval"


def failure_line(stderr):
    """The message of a Rust panic or error, without the backtrace."""
    for line in stderr.splitlines():
        t = line.strip()
        if t and not t.startswith(("thread ", "stack backtrace", "note:")) and not line.startswith(" "):
            return t
    return stderr.strip().splitlines()[-1] if stderr.strip() else "failed"


def make_interp(out, loop_count, repeat=1, weval_compat=False):
    flags = f"-DPROGRAM_REPEAT={repeat}" if repeat != 1 else ""
    sh(["make", "-s", "-C", str(ROOT / "examples/interp-c"), f"OUT={out}",
        f"LOOP_COUNT={loop_count}", f"WEVAL_COMPAT={int(weval_compat)}", f"EXTRA_CFLAGS={flags}"])


# The seed example built with WEVAL_COMPAT=1 (examples/interp-c/accvm.h: JMPNZ's
# taken edge enters the target's context itself), which weval 0.5.1 accepts.
# Both specializers get the same snapshot of it.
COMPAT = "compat build"


def build(args):
    BUILD.mkdir(parents=True, exist_ok=True)
    v = {}
    big, floor = BUILD / "interp", BUILD / "interp-floor"
    make_interp(big, args.loop_count)
    make_interp(floor, 1)
    src = ROOT / "examples/interp-c/interp.c"
    inc = ROOT / "include"
    for cc in ("clang", "gcc"):
        exe = BUILD / f"interp-native-{cc}"
        sh([cc, "-O2", f"-I{inc}", f"-DLOOP_COUNT={args.loop_count}", "-o", str(exe), str(src)])
        v[f"native ({cc} -O2)"] = [exe]
    # The snapshot every specializer starts from.
    snap = big / "interp.snapshot.wasm"
    sh([PWEVAL, "-w", "--snapshot-only", "-i", big / "interp.wasm", "-o", snap])
    v["generic Wasm (wasmtime)"] = [PWEVAL, "run", big / "interp-generic.wasm"]
    spec, cwasm = big / "interp.pweval.wasm", big / "interp.pweval.cwasm"
    sh([PWEVAL, "-i", snap, "-o", spec, "--aot", cwasm])
    v["pweval (wasmtime JIT)"] = [PWEVAL, "run", spec]
    v["pweval (precompiled)"] = [PWEVAL, "run", "--aot", cwasm]
    weval = weval_bin()
    notes = []
    if weval:
        out = big / "interp.weval.wasm"
        r = subprocess.run([weval, "weval", "-i", snap, "-o", out], capture_output=True, text=True)
        if r.returncode == 0:
            v["weval (wasmtime JIT)"] = [PWEVAL, "run", out]
        else:
            notes.append(f"{weval_version()} fails on the snapshot of the seed example as written "
                         f"(JMPNZ as `if (acc != 0) pc = target;`, a select of two pcs): "
                         f"`{failure_line(r.stderr)}`; hence the {COMPAT}.")
    else:
        notes.append(WEVAL_MISSING)
    # pweval and weval side by side: one snapshot of the compat build, both
    # specializers on it, both outputs in the same interleaved rounds (JIT, and
    # precompiled so that compile time is left out).
    compat = BUILD / "interp-weval-compat"
    make_interp(compat, args.loop_count, weval_compat=True)
    csnap = compat / "interp.snapshot.wasm"
    sh([PWEVAL, "-w", "--snapshot-only", "-i", compat / "interp.wasm", "-o", csnap])
    v[f"generic Wasm, {COMPAT} (wasmtime)"] = [PWEVAL, "run", compat / "interp-generic.wasm"]
    cspec, ccwasm = compat / "interp.pweval.wasm", compat / "interp.pweval.cwasm"
    sh([PWEVAL, "-i", csnap, "-o", cspec, "--aot", ccwasm])
    v[f"pweval, {COMPAT} (JIT)"] = [PWEVAL, "run", cspec]
    v[f"pweval, {COMPAT} (precompiled)"] = [PWEVAL, "run", "--aot", ccwasm]
    if weval:
        wout, wcwasm = compat / "interp.weval.wasm", compat / "interp.weval.cwasm"
        r = subprocess.run([weval, "weval", "-i", csnap, "-o", wout], capture_output=True, text=True)
        if r.returncode == 0:
            # pweval passes a module without requests through unchanged; --aot
            # precompiles it with the same wasmtime configuration as pweval's own output.
            sh([PWEVAL, "-i", wout, "-o", compat / "interp.weval.copy.wasm", "--aot", wcwasm])
            v[f"weval, {COMPAT} (JIT)"] = [PWEVAL, "run", wout]
            v[f"weval, {COMPAT} (precompiled)"] = [PWEVAL, "run", "--aot", wcwasm]
        else:
            notes.append(f"{weval_version()} failed on the {COMPAT} too: `{failure_line(r.stderr)}`")
    hand = BUILD / "sum.wasm"
    text = (ROOT / "bench/sum.wat").read_text().replace("LOOP_COUNT", str(args.loop_count))
    (BUILD / "sum.wat").write_text(text)
    sh([PWEVAL, "-i", BUILD / "sum.wat", "-o", hand])
    v["hand-written Wasm (limit)"] = [PWEVAL, "run", hand]
    floor_snap = floor / "interp.snapshot.wasm"
    sh([PWEVAL, "-w", "--snapshot-only", "-i", floor / "interp.wasm", "-o", floor_snap])
    floor_spec = floor / "interp.pweval.wasm"
    sh([PWEVAL, "-i", floor_snap, "-o", floor_spec])
    return v, floor_spec, (snap, csnap), notes


def run_rounds(variants, floor, rounds, loop_count):
    expect = f"Result: {loop_count * (loop_count + 1) // 2}\n"
    times = {name: [] for name in variants}
    times["start-up floor (loop count 1)"] = []
    for r in range(rounds):
        for name, cmd in variants.items():
            times[name].append(timed(cmd, expect))
        times["start-up floor (loop count 1)"].append(timed([PWEVAL, "run", floor], "Result: 1\n"))
        print(f"bench: round {r + 1}/{rounds} done", file=sys.stderr)
    return times


def tool_cost(cmd, runs=5):
    """(best wall time in s, peak RSS in MB over the runs) of a specializer
    run, or None if it fails. Wall time is taken around /usr/bin/time, which
    reports the RSS into a file so the tool's own stderr stays separate."""
    best, rss = None, 0.0
    report = BUILD / "cost.time"
    for _ in range(runs):
        start = time.perf_counter()
        r = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", str(report)] + [str(c) for c in cmd],
                           capture_output=True, text=True)
        wall = time.perf_counter() - start
        if r.returncode != 0:
            return None
        rss = max(rss, int(report.read_text().split()[-1]) / 1024)
        best = wall if best is None else min(best, wall)
    return best, rss


def specializer_costs(snaps):
    """pweval's and weval's own time and peak memory, each on the seed
    snapshot and on the compat build's snapshot."""
    rows = []
    weval = weval_bin()
    for label, snap in zip(("seed", COMPAT), snaps):
        out = BUILD / f"cost.pweval.{label.replace(' ', '-')}.wasm"
        m = tool_cost([PWEVAL, "-i", snap, "-o", out])
        stats = sh([PWEVAL, "-i", snap, "-o", out, "--stats"]).stderr
        ms = re.search(r"([0-9.]+) ms", stats)
        rows.append(("pweval", label, m, ms.group(1) if ms else "?", out.stat().st_size))
        if weval:
            wout = BUILD / f"cost.weval.{label.replace(' ', '-')}.wasm"
            m = tool_cost([weval, "weval", "-i", snap, "-o", wout])
            rows.append(("weval", label, m, "n/a" if m else "failed (see notes)",
                         wout.stat().st_size if m else 0))
    return rows


def scaling(args):
    rows = []
    for repeat in (1, 10, 100):
        d = BUILD / f"scale-{repeat}"
        make_interp(d, 1000, repeat)
        snap = d / "interp.snapshot.wasm"
        sh([PWEVAL, "-w", "--snapshot-only", "-i", d / "interp.wasm", "-o", snap])
        out = d / "interp.pweval.wasm"
        samples = []
        for _ in range(5):
            stats = sh([PWEVAL, "-i", snap, "-o", out, "--stats"]).stderr
            m = re.search(r"instructions (\d+) -> (\d+), (\d+) bytes, ([0-9.]+) ms", stats)
            samples.append(float(m.group(4)))
        words = re.search(r"(\d+) contexts", stats)
        rows.append((repeat, int(words.group(1)) if words else 0, statistics.median(samples),
                     out.stat().st_size))
        got = sh([PWEVAL, "run", out]).stdout
        if got != "Result: 500500\n":
            sys.exit(f"bench: scaled program {repeat}x printed {got!r}")
    return rows


SUITE = {  # program: (bench scale, --quick scale, what it stresses)
    "fib": (37, 30, "recursive calls"),
    "sieve": (4_000_000, 500_000, "arrays, integer loops"),
    "matmul": (400, 150, "nested loops, float arrays"),
    "mandelbrot": (1200, 300, "float arithmetic"),
    "nbody": (400_000, 50_000, "floats, globals, arrays"),
    "calls": (4_000_000, 500_000, "many small calls"),
}


def suite(args):
    """The stack VM (examples/stackvm): every program, every variant."""
    out = BUILD / "stackvm"
    sh(["make", "-s", "-C", str(ROOT / "examples/stackvm"), f"OUT={out}", "CC_NATIVE=clang"])
    sh(["make", "-s", "-C", str(ROOT / "examples/stackvm"), f"OUT={out}-gcc", "CC_NATIVE=gcc",
        f"{out}-gcc/stackvm-native"])
    weval = weval_bin()
    results, notes = {}, []
    for name, (scale, quick_scale, _) in SUITE.items():
        if args.quick:
            scale = quick_scale
        d = out / name
        d.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / f"examples/stackvm/programs/{name}.asm", d / "program.asm")
        snap = d / "snapshot.wasm"
        sh([PWEVAL, "-w", "--snapshot-only", "--dir", f"{d}::/", "-i", out / "stackvm.wasm", "-o", snap])
        spec, gen = d / "pweval.wasm", d / "generic.wasm"
        sh([PWEVAL, "-i", snap, "-o", spec, "--aot", d / "pweval.cwasm"])
        sh([PWEVAL, "-i", snap, "-o", gen, "--generic-only", "--aot", d / "generic.cwasm"])
        guest = ["--", "--scale", str(scale)]
        v = {
            "native (clang -O2)": [out / "stackvm-native", "--scale", str(scale), d / "program.asm"],
            "native (gcc -O2)": [Path(f"{out}-gcc") / "stackvm-native", "--scale", str(scale),
                                 d / "program.asm"],
            "generic Wasm (JIT)": [PWEVAL, "run", gen] + guest,
            "generic Wasm (precompiled)": [PWEVAL, "run", "--aot", d / "generic.cwasm"] + guest,
            "pweval (JIT)": [PWEVAL, "run", spec] + guest,
            "pweval (precompiled)": [PWEVAL, "run", "--aot", d / "pweval.cwasm"] + guest,
        }
        if weval:
            wout = d / "weval.wasm"
            r = subprocess.run([weval, "weval", "-i", snap, "-o", wout], capture_output=True, text=True)
            if r.returncode == 0:
                v["weval (JIT)"] = [PWEVAL, "run", wout] + guest
            elif name == "fib":
                notes.append(f"weval on the stack VM snapshots: `{failure_line(r.stderr)}`")
        expect = subprocess.run([str(c) for c in v["native (clang -O2)"]], capture_output=True,
                                text=True).stdout
        results[name] = interleaved(v, args.rounds, expect)
        print(f"bench: stack VM {name} done", file=sys.stderr)
    return results, notes


def suite_table(results, notes, args):
    cols = ["native (clang -O2)", "native (gcc -O2)", "generic Wasm (JIT)", "pweval (JIT)",
            "generic Wasm (precompiled)", "pweval (precompiled)", "weval (JIT)"]
    cols = [c for c in cols if any(c in t for t in results.values())]
    lines = [f"Stack VM suite (examples/stackvm), median of {args.rounds} interleaved rounds, ms; "
             "speed-ups are generic / pweval for the same kind of run.", "",
             "| program | " + " | ".join(cols) + " | speed-up JIT | speed-up precompiled |",
             "|---|" + "---:|" * (len(cols) + 2)]
    jit, aot = [], []
    for name, times in results.items():
        med = {k: statistics.median(v) for k, v in times.items()}
        j = med["generic Wasm (JIT)"] / med["pweval (JIT)"]
        a = med["generic Wasm (precompiled)"] / med["pweval (precompiled)"]
        jit.append(j)
        aot.append(a)
        cells = [f"{med[c] * 1000:.0f}" if c in med else "-" for c in cols]
        lines.append(f"| {name} ({SUITE[name][2]}) | " + " | ".join(cells) + f" | {j:.2f}x | {a:.2f}x |")
    geo = lambda xs: statistics.geometric_mean(xs)
    lines.append(f"| geometric mean | " + " | ".join("" for _ in cols) +
                 f" | {geo(jit):.2f}x | {geo(aot):.2f}x |")
    lines += [""] + [f"- {n}" for n in notes]
    return "\n".join(lines) + "\n"


def table(times, costs, scale, notes, args):
    med = {k: statistics.median(v) for k, v in times.items()}
    lo = {k: min(v) for k, v in times.items()}
    generic = med["generic Wasm (wasmtime)"]
    ours = med["pweval (wasmtime JIT)"]
    lines = [
        f"Sum 1..{args.loop_count:,} on the accumulator VM (examples/interp-c); "
        f"{args.rounds} interleaved rounds; whole-process wall time.",
        "",
        "| variant | min (ms) | median (ms) | speed-up over generic Wasm | vs pweval JIT |",
        "|---|---:|---:|---:|---:|",
    ]
    for name in times:
        lines.append(f"| {name} | {lo[name] * 1000:.1f} | {med[name] * 1000:.1f} | "
                     f"{generic / med[name]:.2f}x | {med[name] / ours:.2f} |")
    lines += ["", "Specializer cost (whole process, best of 5 runs; peak RSS the largest of the 5):", "",
              "| tool | snapshot | wall (ms) | peak RSS (MB) | specialization (ms, --stats) | output bytes |",
              "|---|---|---:|---:|---:|---:|"]
    for tool, label, m, spec_ms, size in costs:
        if m is None:
            lines.append(f"| {tool} | {label} | failed | - | {spec_ms} | - |")
        else:
            lines.append(f"| {tool} | {label} | {m[0] * 1000:.0f} | {m[1]:.1f} | {spec_ms} | {size:,} |")
    lines += ["", "Scaling with bytecode length (the loop body repeated; loop count 1,000):", "",
              "| program length | contexts | specialization (ms, median of 5) | output bytes |",
              "|---|---:|---:|---:|"]
    for repeat, contexts, ms, size in scale:
        lines.append(f"| {repeat}x | {contexts} | {ms:.2f} | {size:,} |")
    lines += ["", "Notes:", ""]
    floor = med["start-up floor (loop count 1)"]
    hand = med.get("hand-written Wasm (limit)")
    aot = med["pweval (precompiled)"]
    lines.append(f"- Net of the JIT start-up floor (the same module with a loop count of 1), pweval's "
                 f"output is {(generic - floor) / max(ours - floor, 1e-9):.1f}x faster than generic Wasm.")
    lines.append(f"- pweval precompiled vs the hand-written Wasm limit (both without compile time): "
                 f"{aot / hand:.2f}x the time.")
    if "weval (wasmtime JIT)" in med:
        lines.append(f"- pweval output vs weval output: {med['weval (wasmtime JIT)'] / ours:.2f}x "
                     "(>1 means pweval's is faster).")
    for n in notes:
        lines.append(f"- {n}")
    lines.append(f"- {COMPAT}: the same source with `make WEVAL_COMPAT=1` (JMPNZ's taken edge pops and "
                 "pushes the interpreter context itself, the form weval 0.5.1 accepts); pweval and weval "
                 "specialize one snapshot of it, and their outputs run in the same interleaved rounds.")
    for kind in ("JIT", "precompiled"):
        pw, wv = med.get(f"pweval, {COMPAT} ({kind})"), med.get(f"weval, {COMPAT} ({kind})")
        if pw and wv:
            lines.append(f"- **pweval/weval run time, {COMPAT}, {kind}: {pw / wv:.2f}** "
                         f"(median {pw * 1000:.1f} ms / {wv * 1000:.1f} ms; below 1 means pweval's "
                         "output is faster).")
    by_tool = {(t, label): m for t, label, m, _, _ in costs}
    pw, wv = by_tool.get(("pweval", COMPAT)), by_tool.get(("weval", COMPAT))
    if pw and wv:
        lines.append(f"- Specialization, {COMPAT}: pweval/weval wall time {pw[0] / wv[0]:.2f}, "
                     f"peak RSS {pw[1] / wv[1]:.2f}.")
    lines.append(f"- Machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
                 "pweval built with the dev profile (dependencies at opt-level 2); wasmtime 48 embedded "
                 "in `pweval run` for every Wasm variant.")
    return "\n".join(lines) + "\n"


def chart(data, path):
    """Bar charts of the medians: the seed example's variants, and generic
    vs pweval per stack VM program. Written as SVG and PNG."""
    if not plotting.have_matplotlib([__file__, "--chart-only", path]):
        return
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    seed, suite = data["seed"], data.get("suite") or {}
    panels = 2 if suite else 1
    fig, axes = plt.subplots(1, panels, figsize=(7.5 * panels, 5.2), squeeze=False)
    ax = axes[0][0]
    names = list(seed)
    meds = [statistics.median(seed[n]) * 1000 for n in names]
    colors = ["#dd8452" if n.startswith("pweval") else "#55a868" if n.startswith("weval") else "#4c72b0"
              for n in names]
    ax.barh(names, meds, color=colors)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("median wall time, ms (log scale)")
    for y, m in enumerate(meds):
        ax.text(m, y, f" {m:.0f}", va="center", fontsize=8)
    ax.set_title("Seed example: sum 1..N, accumulator VM")
    if suite:
        ax = axes[0][1]
        progs = list(suite)
        kinds = ["generic Wasm (JIT)", "pweval (JIT)", "pweval (precompiled)", "native (clang -O2)"]
        width = 0.2
        for i, kind in enumerate(kinds):
            vals = [statistics.median(suite[p][kind]) * 1000 if kind in suite[p] else 0 for p in progs]
            ax.bar([x + (i - 1.5) * width for x in range(len(progs))], vals, width, label=kind)
        ax.set_xticks(range(len(progs)))
        ax.set_xticklabels(progs)
        ax.set_ylabel("median wall time, ms")
        ax.set_title("Stack VM suite")
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    fig.savefig(Path(path).with_suffix(".png"), dpi=80)


def lua_results(args):
    """Run the Lua suite; write bench/lua-results.md and its chart (with
    the bounds of bench/lua-bounds.md, if measured). Returns the text."""
    lua_times, lua_costs = lua_suite.run(args, PWEVAL, BUILD, interleaved, tool_cost)
    text = "## Lua suite\n\n" + lua_suite.table(lua_times, lua_costs, args)
    (ROOT / "bench" / "lua-results.md").write_text(text)
    lua_chart.main()
    return text


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--rounds", type=int, default=10)
    p.add_argument("--loop-count", type=int, default=100_000_000)
    p.add_argument("--chart-only")
    p.add_argument("--quick", action="store_true", help="smaller workloads, 3 rounds")
    p.add_argument("--no-suite", action="store_true", help="only the seed example")
    p.add_argument("--no-lua", action="store_true", help="skip the Lua suite")
    p.add_argument("--lua-only", action="store_true", help="only the Lua suite (writes bench/lua-results.md)")
    p.add_argument("--lua-rounds", type=int, default=3, help="interleaved rounds of the Lua suite")
    p.add_argument("--lua-placements", type=int, default=3,
                   help="code placements each Lua build is timed at, samples pooled (bench/placement.py; "
                        f"1 to {len(placement.PLACEMENT_STORES)})")
    p.add_argument("--no-threaded", action="store_true", help="skip the threaded-code suite")
    p.add_argument("--threaded-only", action="store_true",
                   help="only the threaded-code suite (writes bench/threaded-results.md)")
    p.add_argument("--threaded-rounds", type=int, default=5, help="interleaved rounds of the threaded-code suite")
    args = p.parse_args()
    if args.chart_only:
        chart(json.loads((ROOT / "bench" / "results.json").read_text()), args.chart_only)
        return
    if not 1 <= args.lua_placements <= len(placement.PLACEMENT_STORES):
        p.error(f"--lua-placements must be 1 to {len(placement.PLACEMENT_STORES)}")
    if args.quick:
        args.rounds = min(args.rounds, 3)
        args.lua_rounds = min(args.lua_rounds, 2)
        args.lua_placements = min(args.lua_placements, 2)
        args.threaded_rounds = min(args.threaded_rounds, 3)
        args.loop_count = min(args.loop_count, 20_000_000)
    BUILD.mkdir(parents=True, exist_ok=True)
    if args.lua_only:
        text = lua_results(args)
        print(text)
        return
    if args.threaded_only:
        text = "## Threaded-code suite\n\n" + threaded_suite.table(
            threaded_suite.run(args, PWEVAL, BUILD, interleaved), args)
        (ROOT / "bench" / "threaded-results.md").write_text(text)
        print(text)
        return
    if not weval_bin():
        print(f"bench: {WEVAL_MISSING}", file=sys.stderr)
    variants, floor, snaps, notes = build(args)
    times = run_rounds(variants, floor, args.rounds, args.loop_count)
    costs = specializer_costs(snaps)
    scale = scaling(args)
    text = "## Seed example\n\n" + table(times, costs, scale, notes, args)
    results = {}
    if not args.no_suite:
        results, suite_notes = suite(args)
        text += "\n## Stack VM suite\n\n" + suite_table(results, suite_notes, args)
    if not args.no_lua:
        text += "\n" + lua_results(args)
    if not args.no_threaded:
        threaded_text = threaded_suite.table(threaded_suite.run(args, PWEVAL, BUILD, interleaved), args)
        (ROOT / "bench" / "threaded-results.md").write_text("## Threaded-code suite\n\n" + threaded_text)
        text += "\n## Threaded-code suite\n\n" + threaded_text
    # Raw times (seconds), so the chart can be redrawn without re-running.
    (ROOT / "bench" / "results.json").write_text(json.dumps({"seed": times, "suite": results}, indent=1))
    (ROOT / "bench" / "results.md").write_text(text)
    chart({"seed": times, "suite": results}, ROOT / "bench" / "results.svg")
    print(text)


if __name__ == "__main__":
    main()
