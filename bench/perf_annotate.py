#!/usr/bin/env python3
"""Where, instruction by instruction, a precompiled module spends its time.

    python3 bench/perf_annotate.py MODULE.cwasm FUNCTION [--dir D] [--top N] [-- ARGS...]

Runs `pweval run --aot --perf-map MODULE.cwasm -- ARGS` under `perf record`,
maps the samples that fall in FUNCTION (a name as in the module's name
section, e.g. `luaV_execute_spec.pweval.1`) back to the `.cwasm`'s machine
code (`objdump -d`; a `.cwasm` is an ELF object with one symbol per
function), and prints the function's disassembly with the samples per
instruction, from the first to the last instruction with at least 0.3% of
them (or the N hottest instructions with --top N).

Why: `perf report` with the perf map names functions only; it cannot read
code that wasmtime mapped at run time. The `.cwasm` holds the same bytes at
known offsets, so a sample's offset from the function's start in the map is
its offset in the file.

Needs perf, objdump and a release pweval (target/release/pweval or $PWEVAL).
"""
import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("module", help="a .cwasm written by pweval --aot")
    p.add_argument("function", help="the function's name, as in the module's name section")
    p.add_argument("--dir", default=".", help="run the program in this folder")
    p.add_argument("--top", type=int, help="print only the N hottest instructions")
    p.add_argument("--freq", type=int, default=20000, help="perf sampling frequency (Hz)")
    p.add_argument("args", nargs="*", help="the program's arguments (after --)")
    a = p.parse_args()
    pweval = os.environ.get("PWEVAL", str(ROOT / "target/release/pweval"))
    module = Path(a.module).resolve()
    for tool in ("perf", "objdump"):
        if subprocess.run(["which", tool], capture_output=True).returncode != 0:
            sys.exit(f"perf_annotate.py: needs {tool}")

    # The function's offset and size in the .cwasm.
    nm = subprocess.run(["nm", "-S", str(module)], capture_output=True, text=True, check=True).stdout
    start = size = None
    for line in nm.splitlines():
        m = re.match(r"([0-9a-f]+) ([0-9a-f]+) t wasm\[0\]::function\[\d+\]::(.*)$", line)
        if m and m.group(3) == a.function:
            start, size = int(m.group(1), 16), int(m.group(2), 16)
    if start is None:
        sys.exit(f"perf_annotate.py: no function named {a.function} in {module}")

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "perf.data"
        run = subprocess.run(["perf", "record", "-q", "-o", str(data), "-F", str(a.freq), pweval, "run",
                              "--aot", "--perf-map", str(module), "--"] + a.args,
                             cwd=a.dir, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if run.returncode != 0:
            sys.exit(f"perf_annotate.py: the run failed:\n{run.stderr}")
        script = subprocess.run(["perf", "script", "-i", str(data), "-F", "pid,ip,sym"],
                                capture_output=True, text=True, check=True).stdout
    samples = [line.split() for line in script.splitlines() if line.strip()]
    pid = next((s[0] for s in samples), None)
    # Where the function was mapped at run time: the perf map of that run.
    mapped = None
    if pid is not None:
        map_path = Path(f"/tmp/perf-{pid}.map")
        if map_path.exists():
            for line in map_path.read_text().splitlines():
                addr, _, name = line.split(" ", 2)
                if name == a.function:
                    mapped = int(addr, 16)
            map_path.unlink()
    if mapped is None:
        sys.exit("perf_annotate.py: the perf map of the run does not name the function")
    hits = collections.Counter()
    for s in samples:
        if len(s) >= 3 and s[2] == a.function:
            hits[int(s[1], 16) - mapped + start] += 1
    total_run, total = len(samples), sum(hits.values())
    print(f"{a.function}: {total} of {total_run} samples ({100 * total / max(total_run, 1):.1f}%)")

    dis = subprocess.run(["objdump", "-d", "--no-show-raw-insn", f"--start-address={start:#x}",
                          f"--stop-address={start + size:#x}", str(module)],
                         capture_output=True, text=True, check=True).stdout
    insts = []
    for line in dis.splitlines():
        m = re.match(r"\s*([0-9a-f]+):\s*(.*)$", line)
        if m:
            insts.append((int(m.group(1), 16), m.group(2)))
    if a.top:
        for addr, n in hits.most_common(a.top):
            text = next((t for x, t in insts if x == addr), "?")
            print(f"{n:7d} {100 * n / max(total, 1):5.1f}%  +{addr - start:#06x}  {text}")
        return
    hot = [i for i, (addr, _) in enumerate(insts) if hits[addr] >= total * 0.003]
    if not hot:
        return
    for addr, text in insts[max(min(hot) - 3, 0):max(hot) + 4]:
        n = hits[addr]
        print(f"{n:7d}  +{addr - start:#06x}  {text}")


if __name__ == "__main__":
    main()
