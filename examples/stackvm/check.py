#!/usr/bin/env python3
"""Check the stackvm builds against each other, without pweval.

    check.py [--out DIR] [--full] [--bless] [--no-build]

1. Builds the three flavours with `make OUT=DIR` (unless --no-build).
2. Native: every programs/*.asm at its default scale (timed) and at its
   small scale (the `; small-scale: N` line), compared with
   programs/expected/NAME.out and NAME.small.out (--bless rewrites them).
3. Wasm, under the wasmtime Python package (run_wasm.py supplies the "weval"
   imports with their generic meanings), at the small scale, each run must
   print exactly what the native build prints:
     generic      stackvm-generic.wasm
     loaded       stackvm.wasm, main assembles the program (no pre-init)
     init         stackvm.wasm, wizer-initialize then _start in one instance
     force-spec   as init, with --force-spec: every call runs the spec flavour,
                  so every stack/local/context intrinsic is executed
     slots        as init, after writing into each request's result slot the
                  function it names (what pweval does with a specialized copy,
                  here with the unspecialized spec flavour standing in): every
                  bytecode call goes through the Func.specialized pointer
   --full also runs `generic` and `init` at the default scale.
   After init the request list is checked: one request per bytecode function,
   user_id = index + 1, a constant buffer holding the function's code, two
   runtime arguments, an empty result slot.
4. errors/*.asm: exit code 1, stderr containing every `; expect-error:` line,
   stdout equal to the `; expect-output:` lines, natively and in the generic
   and force-spec Wasm runs.
"""
import argparse
import glob
import os
import re
import struct
import subprocess
import sys
import tempfile
import time

import wasmtime

import run_wasm

HERE = os.path.dirname(os.path.abspath(__file__))
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


def small_scale(path):
    m = re.search(r"^; small-scale: (\d+)$", open(path).read(), re.M)
    if not m:
        raise SystemExit(f"{path}: no `; small-scale: N` line")
    return m.group(1)


def native(out, path, args):
    t = time.perf_counter()
    p = subprocess.run([os.path.join(out, "stackvm-native")] + args + [path], capture_output=True)
    return p.returncode, p.stdout, p.stderr, time.perf_counter() - t


def u32(mem, store, addr):
    return struct.unpack("<I", bytes(mem.read(store, addr, addr + 4)))[0]


def check_requests_and_fill(module_path, prog_dir, name, scale, expect_out):
    """Run with init, check the filed requests, fill the result slots, run."""
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    module = wasmtime.Module.from_file(engine, module_path)
    wasi = wasmtime.WasiConfig()
    wasi.argv = ["stackvm.wasm", "--scale", scale]
    wasi.env = [("STACKVM_PROGRAM", name)]
    wasi.preopen_dir(prog_dir, "/")
    fd, out_path = tempfile.mkstemp(prefix="stackvm-slots-")
    os.close(fd)
    wasi.stdout_file = out_path
    store.set_wasi(wasi)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    run_wasm.define_weval_generic(linker, store, module)
    inst = linker.instantiate(store, module)
    ex = inst.exports(store)
    mem = ex["memory"]
    ex["wizer-initialize"](store)
    head = u32(mem, store, ex["weval.pending.head"](store))
    nfuncs = len(re.findall(r"^\s*func\s", open(os.path.join(prog_dir, name)).read(), re.M))
    reqs = []
    while head:
        reqs.append(head)
        head = u32(mem, store, head)  # next@0
    if len(reqs) != nfuncs:
        fail(f"{name}: {len(reqs)} requests filed for {nfuncs} functions")
    ids = set()
    for r in reqs:
        user_id, num_globals, func, argbuf, arglen, slot = (
            u32(mem, store, r + off) for off in (8, 12, 16, 20, 24, 28))
        ids.add(user_id)
        spec, ty, blen, padded = struct.unpack("<IIII", bytes(mem.read(store, argbuf, argbuf + 16)))
        h_func = struct.unpack("<Q", bytes(mem.read(store, argbuf + 16, argbuf + 24)))[0]
        rest = bytes(mem.read(store, argbuf + 16 + padded, argbuf + arglen))
        ok = (num_globals == 0 and spec == 1 and ty == 4 and blen % 8 == 0 and
              padded == blen and h_func == user_id - 1 and
              arglen == 16 + padded + 32 and
              rest == struct.pack("<IIQ", 0, 255, 0) * 2 and u32(mem, store, slot) == 0)
        if not ok:
            fail(f"{name}: malformed request user_id {user_id}")
        # What pweval does on success: store the new function's table index.
        mem.write(store, struct.pack("<I", func), slot)
    if ids != set(range(1, nfuncs + 1)):
        fail(f"{name}: user_ids {sorted(ids)}")
    try:
        ex["_start"](store)
        code = 0
    except wasmtime.ExitTrap as e:
        code = e.code
    out = open(out_path, "rb").read()
    os.unlink(out_path)
    if code != 0 or out != expect_out:
        fail(f"{name}: slots run printed {out!r} (exit {code}), native {expect_out!r}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(HERE, "build"))
    ap.add_argument("--full", action="store_true")
    ap.add_argument("--bless", action="store_true")
    ap.add_argument("--no-build", action="store_true")
    a = ap.parse_args()
    out = os.path.abspath(a.out)
    if not a.no_build:
        subprocess.run(["make", "-s", "-C", HERE, f"OUT={out}"], check=True)
    generic = os.path.join(out, "stackvm-generic.wasm")
    pweval_in = os.path.join(out, "stackvm.wasm")
    prog_dir = os.path.join(HERE, "programs")
    exp_dir = os.path.join(prog_dir, "expected")

    for path in sorted(glob.glob(os.path.join(prog_dir, "*.asm"))):
        name = os.path.basename(path)
        stem = name[:-4]
        small = small_scale(path)
        code, big_out, err, secs = native(out, path, [])
        code_s, small_out, err_s, _ = native(out, path, ["--scale", small])
        print(f"{name:16} native {secs * 1000:7.1f} ms  {big_out.decode().strip()}")
        if code or code_s:
            fail(f"{name}: native exit {code}/{code_s}: {(err + err_s).decode()}")
        for suffix, got in ((".out", big_out), (".small.out", small_out)):
            exp = os.path.join(exp_dir, stem + suffix)
            if a.bless:
                os.makedirs(exp_dir, exist_ok=True)
                open(exp, "wb").write(got)
            elif not os.path.exists(exp) or open(exp, "rb").read() != got:
                fail(f"{name}: native output differs from {os.path.relpath(exp, HERE)}")

        dirs = [(prog_dir, "/")]
        env = [f"STACKVM_PROGRAM={name}"]
        runs = [
            ("generic", generic, ["--scale", small, name], [], False),
            ("loaded", pweval_in, ["--scale", small, name], [], False),
            ("init", pweval_in, ["--scale", small], env, True),
            ("force-spec", pweval_in, ["--scale", small, "--force-spec"], env, True),
        ]
        if a.full:
            runs += [
                ("generic-full", generic, [name], [], False),
                ("init-full", pweval_in, [], env, True),
            ]
        for label, module, args, e, init in runs:
            t = time.perf_counter()
            code, got, err = run_wasm.run(module, args, dirs, e, init)
            secs = time.perf_counter() - t
            want = big_out if label.endswith("-full") else small_out
            if code != 0 or got != want:
                fail(f"{name} [{label}]: exit {code}, printed {got!r}, native {want!r}, "
                     f"stderr {err.decode()!r}")
            else:
                print(f"{'':16} {label:12} ok ({secs:.2f} s)")
        check_requests_and_fill(pweval_in, prog_dir, name, small, small_out)
        print(f"{'':16} {'slots':12} ok")

    err_dir = os.path.join(HERE, "errors")
    for path in sorted(glob.glob(os.path.join(err_dir, "*.asm"))):
        name = os.path.basename(path)
        text = open(path).read()
        want_err = re.findall(r"^; expect-error: (.*)$", text, re.M)
        want_out = "".join(l + "\n" for l in re.findall(r"^; expect-output: (.*)$", text, re.M))
        results = [("native",) + native(out, path, [])[:3]]
        results.append(("generic",) + run_wasm.run(generic, [name], [(err_dir, "/")]))
        results.append(("force-spec",) + run_wasm.run(
            pweval_in, ["--force-spec", name], [(err_dir, "/")]))
        for label, code, got, err in results:
            err = err.decode()
            missing = [w for w in want_err if w not in err]
            if code != 1 or missing or got.decode() != want_out:
                fail(f"errors/{name} [{label}]: exit {code}, stdout {got!r}, stderr {err!r}")
        print(f"errors/{name:16} ok: {want_err[-1]}")

    if failures:
        print(f"\n{len(failures)} failure(s)")
        sys.exit(1)
    print("\nall checks passed")


if __name__ == "__main__":
    main()
