"""Code placement for benchmarks: a copy of a Wasm module whose compiled
functions sit at other machine-code offsets, behaving exactly the same.

Why: wasmtime lays out a module's functions in index order, so a change in
any function moves the machine code of every function after it, and on
this machine a hot loop's speed depends on where it lands (the Lua
suite's `mandelbrot`, identical machine code for its hot function at
four offsets: 224 to 276 ms precompiled; generic Lua's interpreter 2,216
to 2,362 ms). One build is one sample of that spread. The Lua suite
times each build at a few placements and pools the samples.

`shifted(src, dst, function, k)` puts, at the start of `function` (a name
from the name section, or a defined function's position; pick one that
runs at most once and comes before the hot code in index order),

    memory.size  i32.eqz  if  (i32.const 4j  i32.const 0  i32.store) for j < k  end

The stores run only when the memory has no page, which never holds for
a module that keeps data in its memory (the Lua guest), so the module
computes the same; the compiler cannot fold `memory.size`, so the
machine code grows by k stores and everything after it moves. k = 0
still adds the test. Standard library only: parses just the sections
it needs (imports, code, the name section)."""


# The placements the Lua suite and lua_ab.py use: placement 0 is the module
# as it is; placement N puts PLACEMENT_STORES[N] never-run stores at the
# start of the first defined function (`__wasm_call_ctors` in a wasi-libc
# build), so the machine code of every function after it moves: the
# generic interpreter, and the specialized functions, which pweval places
# right after that first function (src/module/rewrite.rs, `placement`).
# (It used to be `_start`; once pweval put the specialized functions early,
# padding `_start` no longer moved them.)
PLACEMENT_STORES = [None, 1, 4, 10, 15, 22]


def placed(snapshot, placement, directory):
    """The snapshot to specialize for `placement`: `snapshot` itself for
    placement 0, else a shifted copy written into `directory`."""
    if placement == 0:
        return snapshot
    moved = directory / "lua-snapshot.wasm"
    shifted(snapshot, moved, 0, PLACEMENT_STORES[placement])
    return moved


def _leb(data, i):
    result = shift = 0
    while True:
        byte = data[i]
        i += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, i


def _uleb(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _sleb(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if (n == 0 and not byte & 0x40) or (n == -1 and byte & 0x40):
            out.append(byte)
            return bytes(out)
        out.append(byte | 0x80)


def _sections(data):
    if data[:4] != b"\0asm":
        raise ValueError("not a Wasm module")
    i, out = 8, []
    while i < len(data):
        size, j = _leb(data, i + 1)
        out.append((data[i], data[j:j + size]))
        i = j + size
    return out


def _imported_functions(sections):
    count = 0
    for sid, body in sections:
        if sid != 2:
            continue
        n, i = _leb(body, 0)
        for _ in range(n):
            for _ in range(2):  # module and field names
                length, i = _leb(body, i)
                i += length
            kind = body[i]
            i += 1
            if kind == 0:  # function: type index
                _, i = _leb(body, i)
                count += 1
            elif kind in (1, 2):  # table (reftype first) or memory: limits
                if kind == 1:
                    i += 1
                flags = body[i]
                _, i = _leb(body, i + 1)
                if flags & 1:
                    _, i = _leb(body, i)
            elif kind == 3:  # global: type, mutability
                i += 2
            else:
                raise ValueError(f"import kind {kind} not handled")
    return count


def _function_index(sections, name):
    wanted = name.encode()
    for sid, body in sections:
        if sid != 0:
            continue
        length, i = _leb(body, 0)
        if body[i:i + length] != b"name":
            continue
        i += length
        while i < len(body):
            sub = body[i]
            size, j = _leb(body, i + 1)
            if sub == 1:
                n, k = _leb(body, j)
                for _ in range(n):
                    index, k = _leb(body, k)
                    length, k = _leb(body, k)
                    if body[k:k + length] == wanted:
                        return index
                    k += length
            i = j + size
    raise ValueError(f"no function named {name} in the name section")


def shifted(src, dst, function, k):
    """Write to `dst` the module `src` with k never-run stores at the start
    of `function` (see the module's doc)."""
    sections = _sections(open(src, "rb").read())
    if isinstance(function, int):
        defined = function
    else:
        defined = _function_index(sections, function) - _imported_functions(sections)
    if defined < 0:
        raise ValueError(f"{function} is imported")
    # Each store to its own address: the compiler merges identical ones.
    stores = b"".join(bytes([0x41]) + _sleb(4 * j) + bytes([0x41, 0x00, 0x36, 0x02, 0x00]) for j in range(k))
    pad = bytes([0x3F, 0x00, 0x45, 0x04, 0x40]) + stores + b"\x0b"
    out = bytearray(b"\0asm\1\0\0\0")
    for sid, body in sections:
        if sid == 10:
            n, i = _leb(body, 0)
            code = bytearray(_uleb(n))
            for f in range(n):
                size, j = _leb(body, i)
                func = body[j:j + size]
                i = j + size
                if f == defined:
                    groups, q = _leb(func, 0)
                    for _ in range(groups):
                        _, q = _leb(func, q)
                        if func[q] in (0x63, 0x64):
                            raise ValueError(f"{function} has a typed-reference local; not handled")
                        q += 1  # a one-byte value type
                    func = func[:q] + pad + func[q:]
                code += _uleb(len(func)) + func
            body = bytes(code)
        out.append(sid)
        out += _uleb(len(body)) + body
    open(dst, "wb").write(bytes(out))
