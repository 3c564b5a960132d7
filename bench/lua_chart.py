#!/usr/bin/env python3
"""The Lua suite as a chart: bench/lua-results.svg and .png.

    python3 bench/lua_chart.py

Reads the speed-ups from bench/lua-results.md (written by `bench/run.sh`,
or `python3 bench/bench.py --lua-only`) and, when present, the bounds from
bench/lua-bounds.md (written by `bash bench/lua_bounds.sh`): per program,
pweval's speed-up over generic Lua Wasm, JIT and precompiled, with the
speed-up the program would have if its specialized interpreter loop took no
time at all. `bench/run.sh` draws it after every Lua suite run. Uses
matplotlib, from bench/.venv if it is not installed (`plotting.py`).
"""
import re
import sys
from pathlib import Path

import plotting

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "lua-results.md"
BOUNDS = ROOT / "bench" / "lua-bounds.md"
OUT = ROOT / "bench" / "lua-results.svg"
# Bounds above this are drawn at it (loops and mandelbrot, precompiled, are
# bounded only by the last percent of samples outside the loop).
CAP = 10.0


def rows(path, first_header):
    """The rows of the Markdown table whose header starts with `first_header`."""
    lines = path.read_text().splitlines()
    out, inside = [], False
    for line in lines:
        if line.startswith(f"| {first_header}"):
            inside = True
            continue
        if inside:
            if not line.startswith("|"):
                break
            if line.startswith("|---"):
                continue
            out.append([c.strip() for c in line.strip("|").split("|")])
    return out


def speedup(cell):
    m = re.match(r"([0-9.]+)x", cell)
    return float(m.group(1)) if m else None


def main():
    if not plotting.have_matplotlib([__file__]):
        return
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if not RESULTS.exists():
        sys.exit("lua_chart.py: no bench/lua-results.md; run python3 bench/bench.py --lua-only first")
    progs, jit, aot = [], [], []
    for r in rows(RESULTS, "program | native lua5.4"):
        if r[0].startswith("geometric mean"):
            continue
        progs.append(r[0].split(" (")[0])
        jit.append(speedup(r[-2]))
        aot.append(speedup(r[-1]))
    bounds = {}
    if BOUNDS.exists():
        for r in rows(BOUNDS, "program | generic JIT"):
            if not r[0].startswith("geometric"):
                bounds[r[0]] = (speedup(r[2]), speedup(r[4]))

    fig, ax = plt.subplots(figsize=(11, 5.2))
    width = 0.38
    xs = range(len(progs))
    ax.bar([x - width / 2 for x in xs], jit, width, label="pweval, JIT", color="#dd8452")
    ax.bar([x + width / 2 for x in xs], aot, width, label="pweval, precompiled", color="#c44e52")
    if bounds:
        for i, p in enumerate(progs):
            for dx, b in zip((-width / 2, width / 2), bounds.get(p, (None, None))):
                if b is not None:
                    ax.plot([i + dx - width / 2, i + dx + width / 2], [min(b, CAP)] * 2,
                            color="black", linewidth=1.2)
        ax.plot([], [], color="black", linewidth=1.2,
                label=f"bound: the loop taking no time (capped at {CAP:.0f}x)")
    ax.axhline(2.5, color="#4c72b0", linestyle="--", linewidth=1, label="target 2.5x")
    ax.axhline(1.0, color="gray", linewidth=0.8)
    ax.set_yscale("log")
    ax.set_yticks([1, 1.5, 2, 2.5, 3, 5, 10])
    ax.set_yticklabels(["1x", "1.5x", "2x", "2.5x", "3x", "5x", "10x"])
    ax.set_xticks(list(xs))
    ax.set_xticklabels(progs)
    ax.set_ylabel("speed-up over generic Lua Wasm")
    ax.set_title("Lua suite: pweval over generic Lua Wasm (same snapshot)")
    ax.legend(fontsize=8, loc="upper center", ncol=4, bbox_to_anchor=(0.5, -0.08))
    fig.tight_layout()
    fig.savefig(OUT)
    fig.savefig(OUT.with_suffix(".png"), dpi=80)
    print(f"wrote {OUT.relative_to(ROOT)} and {OUT.with_suffix('.png').relative_to(ROOT)}")


if __name__ == "__main__":
    main()
