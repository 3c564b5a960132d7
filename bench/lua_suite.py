"""The Lua suite (bench/lua/*.lua on examples/lua): native Debian lua5.4,
the generic Lua Wasm build and pweval's, JIT and precompiled, run
interleaved in one process per run; per-program speed-ups over generic Lua
Wasm, their geometric mean, and what specializing cost (time, peak RSS,
output size). Called by bench.py (`--lua-only` runs just this)."""
import os
import statistics
import subprocess
import sys
from pathlib import Path

from placement import placed

ROOT = Path(__file__).resolve().parent.parent

# program: (what it stresses, --quick size); the bench size is the
# program's own default (native lua5.4 about 0.5-1 s).
PROGRAMS = {
    "fib": ("recursive calls", 27),
    "loops": ("nested integer loops", 1000),
    "sieve": ("table arrays", 30),
    "strings": ("string building", 13000),
    "closures": ("closures, upvalues", 650000),
    "methods": ("method calls via metatables", 500000),
    "mandelbrot": ("float loops", 400),
    "nbody": ("floats, table fields", 60000),
    "quicksort": ("array sorting", 200000),
    "queens": ("backtracking", 35),
    "json": ("encoder, string ops", 1900),
}

VARIANTS = ["native lua5.4", "generic Lua Wasm (JIT)", "pweval Lua (JIT)",
            "generic Lua Wasm (precompiled)", "pweval Lua (precompiled)"]



def run(args, pweval, build_dir, interleaved, tool_cost):
    """Build every program, time every variant; returns (times, costs)."""
    out = build_dir / "lua"
    times, costs = {}, {}
    for name, (_, quick) in PROGRAMS.items():
        src = ROOT / "bench" / "lua" / f"{name}.lua"
        d = out / name
        (d / "src").mkdir(parents=True, exist_ok=True)
        (d / "src" / f"{name}.lua").write_bytes(src.read_bytes())
        env = dict(os.environ, PWEVAL=str(pweval))
        r = subprocess.run(["bash", str(ROOT / "examples/lua/build.sh"), str(d / "src" / f"{name}.lua"), str(d)],
                           capture_output=True, text=True, env=env)
        if r.returncode != 0:
            sys.exit(f"bench: building the Lua program {name} failed:\n{r.stderr}")
        snap = d / "lua-snapshot.wasm"
        # Specializing every prototype of the program, measured alone.
        cost = tool_cost([pweval, "-i", snap, "-o", d / "lua.wasm"], runs=3)
        size = [] if not args.quick else [str(quick)]
        guest = ["--"] + size
        # Keyed (variant, placement); native Lua has one placement.
        v = {("native lua5.4", 0): ["lua5.4", src] + size}
        for placement in range(args.lua_placements):
            # Placement 0 is the build in `d` (bench/lua_sizes.py uses it).
            pd = d if placement == 0 else d / f"placement-{placement}"
            pd.mkdir(exist_ok=True)
            psnap = placed(snap, placement, pd)
            spec, gen = pd / "lua.wasm", pd / "lua-generic.wasm"
            subprocess.run([pweval, "-i", psnap, "-o", spec, "--aot", pd / "lua.cwasm"], check=True,
                           capture_output=True)
            subprocess.run([pweval, "-i", psnap, "-o", gen, "--generic-only", "--aot", pd / "lua-generic.cwasm"],
                           check=True, capture_output=True)
            if placement == 0:
                costs[name] = (cost, spec.stat().st_size, gen.stat().st_size)
            v[("generic Lua Wasm (JIT)", placement)] = [pweval, "run", gen] + guest
            v[("pweval Lua (JIT)", placement)] = [pweval, "run", spec] + guest
            v[("generic Lua Wasm (precompiled)", placement)] = [pweval, "run", "--aot", pd / "lua-generic.cwasm"] + guest
            v[("pweval Lua (precompiled)", placement)] = [pweval, "run", "--aot", pd / "lua.cwasm"] + guest
        expect = subprocess.run([str(c) for c in v[("native lua5.4", 0)]], capture_output=True, text=True).stdout
        samples = interleaved(v, args.lua_rounds, expect)
        # Every placement's samples of a variant pooled: one distribution.
        times[name] = {variant: [t for (v_name, _), ts in samples.items() if v_name == variant for t in ts]
                       for variant in VARIANTS}
        print(f"bench: Lua {name} done", file=sys.stderr)
    return times, costs


def table(times, costs, args):
    med = {n: {k: statistics.median(v) for k, v in t.items()} for n, t in times.items()}
    lines = [f"Lua suite (bench/lua on examples/lua), whole-process wall time in ms, the median of "
             f"{args.lua_rounds} interleaved rounds at each of {args.lua_placements} code placements "
             "(bench/placement.py; native lua5.4: of the rounds), pooled; speed-ups are generic Lua "
             "Wasm / pweval Lua for the same kind of run.", "",
             "| program | " + " | ".join(VARIANTS) + " | speed-up JIT | speed-up precompiled |",
             "|---|" + "---:|" * (len(VARIANTS) + 2)]
    jit, aot = [], []
    for name, m in med.items():
        j = m["generic Lua Wasm (JIT)"] / m["pweval Lua (JIT)"]
        a = m["generic Lua Wasm (precompiled)"] / m["pweval Lua (precompiled)"]
        jit.append(j)
        aot.append(a)
        cells = [f"{m[c] * 1000:.0f}" for c in VARIANTS]
        lines.append(f"| {name} ({PROGRAMS[name][0]}) | " + " | ".join(cells) + f" | {j:.2f}x | {a:.2f}x |")
    geo = statistics.geometric_mean
    lines.append("| geometric mean | " + " | ".join("" for _ in VARIANTS) + f" | {geo(jit):.2f}x | {geo(aot):.2f}x |")
    lines += ["", "Specializing every prototype (whole `pweval -i lua-snapshot.wasm` run, best of 3; peak RSS "
              "the largest), and output sizes:", "",
              "| program | specialization (s) | peak RSS (MB) | lua.wasm bytes | lua-generic.wasm bytes |",
              "|---|---:|---:|---:|---:|"]
    for name, (cost, spec_size, gen_size) in costs.items():
        wall, rss = cost if cost else (float("nan"), float("nan"))
        lines.append(f"| {name} | {wall:.2f} | {rss:.0f} | {spec_size:,} | {gen_size:,} |")
    return "\n".join(lines) + "\n"
