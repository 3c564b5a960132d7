"""The threaded-code suite (examples/threaded): the accumulator VM written in
Wasm3's style (operations chained by indirect tail calls) and in the switch
form, each generic and specialized by pweval, JIT and precompiled, run
interleaved; per-program speed-ups of the specialized threaded form over its
own generic build and over the specialized switch form. Called by bench.py
(`--threaded-only` runs just this)."""
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# program: (what it does, argument n for the bench, for --quick)
PROGRAMS = {
    "sum": ("the seed loop: sum 1..n", 100_000_000, 10_000_000),
    "nested": ("two nested counters, n(n+1)/2 inner trips", 14_142, 4_472),
    "branches": ("a loop with a branch taken on alternate trips", 100_000_000, 10_000_000),
}

FORMS = ["threaded", "switch"]
VARIANTS = [f"{form} {kind} ({run})" for run in ("JIT", "precompiled") for form in FORMS
            for kind in ("generic", "pweval")]


def run(args, pweval, build_dir, interleaved):
    """Build both forms, specialize them, time every variant; returns times
    per program and variant."""
    out = build_dir / "threaded"
    r = subprocess.run(["bash", str(ROOT / "examples/threaded/build.sh"), str(out)], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"bench: building examples/threaded failed:\n{r.stderr}")
    for form in FORMS:
        snap = out / f"{form}-snapshot.wasm"
        subprocess.run([pweval, "-w", "-i", out / f"{form}.wasm", "-o", snap, "--snapshot-only"],
                       check=True, capture_output=True)
        subprocess.run([pweval, "-i", snap, "-o", out / f"{form}-pweval.wasm", "--strict",
                        "--aot", out / f"{form}-pweval.cwasm"], check=True, capture_output=True)
        subprocess.run([pweval, "-i", snap, "-o", out / f"{form}-generic-only.wasm", "--generic-only",
                        "--aot", out / f"{form}-generic-only.cwasm"], check=True, capture_output=True)
    times = {}
    for name, (_, n, quick) in PROGRAMS.items():
        guest = ["--", name, str(quick if args.quick else n)]
        v = {}
        for run_kind in ("JIT", "precompiled"):
            for form in FORMS:
                for kind, file in (("generic", f"{form}-generic-only"), ("pweval", f"{form}-pweval")):
                    if run_kind == "JIT":
                        cmd = [pweval, "run", out / f"{file}.wasm"] + guest
                    else:
                        cmd = [pweval, "run", "--aot", out / f"{file}.cwasm"] + guest
                    v[f"{form} {kind} ({run_kind})"] = cmd
        first = next(iter(v.values()))
        expect = subprocess.run([str(c) for c in first], capture_output=True, text=True).stdout
        times[name] = interleaved(v, args.threaded_rounds, expect)
        print(f"bench: threaded {name} done", file=sys.stderr)
    return times


def table(times, args):
    med = {n: {k: statistics.median(v) for k, v in t.items()} for n, t in times.items()}
    lines = [f"Threaded-code suite (examples/threaded), median of {args.threaded_rounds} interleaved rounds, "
             "whole-process wall time in ms. *Over generic*: threaded generic / threaded pweval; *vs switch*: "
             "switch pweval / threaded pweval (above 1.00x: the specialized threaded form is faster).", ""]
    for run_kind in ("JIT", "precompiled"):
        cols = [f"{form} {kind} ({run_kind})" for form in FORMS for kind in ("generic", "pweval")]
        lines += [f"**{run_kind}**", "",
                  "| program | " + " | ".join(c.replace(f" ({run_kind})", "") for c in cols)
                  + " | threaded over generic | threaded vs switch (pweval) |",
                  "|---|" + "---:|" * (len(cols) + 2)]
        over, versus = [], []
        for name, m in med.items():
            o = m[f"threaded generic ({run_kind})"] / m[f"threaded pweval ({run_kind})"]
            s = m[f"switch pweval ({run_kind})"] / m[f"threaded pweval ({run_kind})"]
            over.append(o)
            versus.append(s)
            cells = [f"{m[c] * 1000:.0f}" for c in cols]
            lines.append(f"| {name} ({PROGRAMS[name][0]}) | " + " | ".join(cells) + f" | {o:.1f}x | {s:.2f}x |")
        geo = statistics.geometric_mean
        lines.append("| geometric mean | " + " | ".join("" for _ in cols) + f" | {geo(over):.1f}x | {geo(versus):.2f}x |")
        lines.append("")
    return "\n".join(lines)
