#!/usr/bin/env python3
"""Run a stackvm Wasm build under the wasmtime Python package, without pweval.

The "weval" imports of stackvm.wasm are provided as host functions with their
*generic* meanings (include/weval.h, section 4): context, trace and hint
intrinsics do nothing, specialize.value returns its value, the stack/local
intrinsics are 8-byte little-endian loads/stores at the slot's address, and
read.reg / read.specialization.global trap. That is exactly what pweval turns
them into in code it does not specialize, so a module run this way must print
what the native build prints.

    run_wasm.py [--init] [--dir HOST::GUEST]... [--env K=V]... MODULE [ARGS...]

--init calls `wizer-initialize` before `_start` in the same instance (what
the snapshot step does, minus the snapshot). Prints the guest's stdout and
stderr and exits with its exit code.
"""
import argparse
import os
import struct
import sys
import tempfile

import wasmtime


def define_weval_generic(linker, store, module):
    """Define every "weval" import the module has, with its generic meaning."""
    i32, i64 = wasmtime.ValType.i32(), wasmtime.ValType.i64()

    def mem(caller):
        return caller["memory"]

    def load(caller, ptr):
        return struct.unpack("<Q", bytes(mem(caller).read(caller, ptr, ptr + 8)))[0]

    def store8(caller, ptr, value):
        mem(caller).write(caller, struct.pack("<Q", value & (2**64 - 1)), ptr)

    def trap(name):
        def f(*_):
            raise wasmtime.WasmtimeError(f"weval intrinsic {name} called in generic code")

        return f

    def nop(*_):
        return None

    # name -> (params, results, callback taking (caller, *args))
    table = {
        "push.context": ([i32], [], nop),
        "pop.context": ([], [], nop),
        "update.context": ([i32], [], nop),
        "read.reg": ([i64], [i64], trap("read.reg")),
        "write.reg": ([i64, i64], [], nop),
        "specialize.value": ([i32, i32, i32], [i32], lambda c, v, lo, hi: v),
        "read.specialization.global": ([i32], [i64], trap("read.specialization.global")),
        "push.stack": ([i32, i64], [], lambda c, p, v: store8(c, p, v)),
        "sync.stack": ([], [], nop),
        "read.stack": ([i32, i32], [i64], lambda c, p, i: load(c, p)),
        "write.stack": ([i32, i32, i64], [], lambda c, p, i, v: store8(c, p, v)),
        "pop.stack": ([i32], [i64], lambda c, p: load(c, p)),
        "read.local": ([i32, i32], [i64], lambda c, p, i: load(c, p)),
        "write.local": ([i32, i32, i64], [], lambda c, p, i, v: store8(c, p, v)),
        "trace.line": ([i32], [], nop),
        "abort.specialization": ([i32, i32], [], nop),
        "assert.const32": ([i32, i32], [], nop),
        "print": ([i32, i32, i32], [], nop),
        "context.bucket": ([i32], [], nop),
    }
    for imp in module.imports:
        if imp.module != "weval":
            continue
        if imp.name not in table:
            raise SystemExit(f"run_wasm: unknown weval import {imp.name}")
        params, results, cb = table[imp.name]
        ty = wasmtime.FuncType(params, results)
        # Wasm i64 results must fit a signed 64-bit value.
        if results == [i64]:
            inner = cb

            def cb(*a, inner=inner):
                v = inner(*a)
                return v - 2**64 if v >= 2**63 else v

        linker.define_func("weval", imp.name, ty, cb, access_caller=True)


def run(module_path, args, dirs=(), env=(), init=False, stdout=None, stderr=None):
    """Run the module; returns (exit code, stdout bytes, stderr bytes)."""
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    module = wasmtime.Module.from_file(engine, module_path)
    with tempfile.TemporaryDirectory() as tmp:
        out_path = os.path.join(tmp, "out")
        err_path = os.path.join(tmp, "err")
        wasi = wasmtime.WasiConfig()
        wasi.argv = [os.path.basename(module_path)] + list(args)
        wasi.env = [tuple(kv.split("=", 1)) for kv in env]
        for host, guest in dirs:
            wasi.preopen_dir(host, guest)
        wasi.stdout_file = out_path
        wasi.stderr_file = err_path
        store.set_wasi(wasi)
        linker = wasmtime.Linker(engine)
        linker.define_wasi()
        define_weval_generic(linker, store, module)
        instance = linker.instantiate(store, module)
        exports = instance.exports(store)
        code = 0
        try:
            if init:
                exports["wizer-initialize"](store)
            exports["_start"](store)
        except wasmtime.ExitTrap as e:
            code = e.code
        except wasmtime.Trap as e:
            with open(err_path, "a") as f:
                f.write(f"run_wasm: trap: {e}\n")
            code = 134
        with open(out_path, "rb") as f:
            out = f.read()
        with open(err_path, "rb") as f:
            err = f.read()
    return code, out, err


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--init", action="store_true", help="call wizer-initialize first")
    ap.add_argument("--dir", action="append", default=[], help="HOST::GUEST preopen")
    ap.add_argument("--env", action="append", default=[], help="K=V")
    ap.add_argument("module")
    ap.add_argument("args", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    dirs = [tuple(d.split("::", 1)) if "::" in d else (d, d) for d in a.dir]
    code, out, err = run(a.module, a.args, dirs, a.env, a.init)
    sys.stdout.buffer.write(out)
    sys.stderr.buffer.write(err)
    sys.exit(code)


if __name__ == "__main__":
    main()
