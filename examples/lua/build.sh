#!/usr/bin/env bash
# PUC-Rio Lua 5.4 as a pweval guest:
#
#   examples/lua/build.sh MAIN.lua OUTDIR
#
# writes
#   OUTDIR/lua-snapshot.wasm  Lua with MAIN.lua and every .lua file of its
#                             folder (the modules) compiled in (Wizer snapshot)
#   OUTDIR/lua-generic.wasm   that snapshot with no request answered (the
#                             generic Lua interpreter, the baseline)
#   OUTDIR/lua.wasm           that snapshot with every function prototype
#                             specialized by pweval
# Both run as `pweval run OUTDIR/lua.wasm -- ARGS`, like `lua5.4 MAIN.lua ARGS`.
#
# Lua's sources come from the lua-src crate (examples/lua/sources/Cargo.toml,
# fetched by cargo); examples/lua/pweval.patch and src/ are the guest's own
# changes. The compiled interpreter is cached in $PWEVAL_LUA_CACHE (default
# target/lua-guest under the repository), keyed by every input, so only the
# first build compiles Lua.
#
# Needs clang-22 with Debian's wasm32 wasi-libc and runtime
# (scripts/install-toolchain.sh), cargo, git (to apply the patch), and pweval (built with
# cargo when $PWEVAL is not set and target/release/pweval is missing).
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 MAIN.lua OUTDIR" >&2
  exit 2
fi
main=$1 out=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
if [ ! -f "$main" ]; then
  echo "build.sh: no such file: $main" >&2
  exit 2
fi
case $main in
  *.lua) ;;
  *) echo "build.sh: $main: the main script must end in .lua" >&2; exit 2 ;;
esac
mkdir -p "$out"
out=$(cd "$out" && pwd)
main_dir=$(cd "$(dirname "$main")" && pwd)
main_name=$(basename "$main")

pweval=${PWEVAL:-$root/target/release/pweval}
if [ ! -x "$pweval" ]; then
  cargo build --release --locked --quiet --manifest-path "$root/Cargo.toml"
  pweval=$root/target/release/pweval
fi

cc=${LUA_CC:-clang-22}
if ! command -v "$cc" >/dev/null; then
  echo "build.sh: $cc not found; run scripts/install-toolchain.sh" >&2
  exit 1
fi

# ---- Lua's sources, through cargo -----------------------------------------
meta() {
  cargo metadata --format-version 1 --locked "$@" \
    --manifest-path "$here/sources/Cargo.toml" 2>/dev/null
}
manifest=$( (meta --offline || meta) | grep -o '"manifest_path":"[^"]*/lua-src-[^"/]*/Cargo.toml"' |
  head -n1 | sed -e 's/^"manifest_path":"//' -e 's/"$//') || true
lua_src=${manifest%/Cargo.toml}/lua-5.4.9
if [ -z "$lua_src" ] || [ ! -f "$lua_src/lvm.c" ]; then
  echo "build.sh: cannot find Lua's sources (cargo metadata on $here/sources failed)" >&2
  exit 1
fi

# ---- The interpreter, compiled once per set of inputs -----------------------
# lua-src guards os.clock, os.tmpname, io.popen and io.tmpfile with __wasi__
# and makes them raise "not supported on WASI"; the guest restores upstream
# Lua (os.clock works; the rest fail as on a C library without them), so the
# guards are turned off in the copy.
# The string-hash seed is a constant instead of one mixed from time(NULL):
# the snapshot freezes whatever seed the init computed anyway, and a
# time-based one laid every build's tables out differently, so the same
# program ran a few percent faster or slower from one build to the next.
cflags=(-O2 -std=gnu99 -Wno-return-type -Wno-deprecated-declarations -DLUA_COMPAT_5_3
  -D_WASI_EMULATED_SIGNAL -D_WASI_EMULATED_PROCESS_CLOCKS
  "-Dl_system(cmd)=((cmd) == NULL ? 0 : -1)"
  -DLUA_TMPNAMBUFSIZE=32 "-Dlua_tmpnam(b,e)=((e) = 1)"
  "-Dluai_makeseed(L)=0x5bd1e995u"
  -mllvm -wasm-enable-sjlj -mllvm -wasm-use-legacy-eh=false)
ldflags=(-nostartfiles -Wl,--stack-first -Wl,-z,stack-size=1048576
  -lwasi-emulated-signal -lwasi-emulated-process-clocks)
cache_root=${PWEVAL_LUA_CACHE:-$root/target/lua-guest}
key=$( { "$cc" --version | head -1; echo "${cflags[*]} ${ldflags[*]}";
         cat "$here/pweval.patch" "$here"/src/*.c "$here"/src/*.h "$here"/src/sjlj/* \
             "$root/include/weval.h" "$lua_src"/*.c "$lua_src"/*.h; } | sha256sum | cut -c1-16)
cache=$cache_root/$key
input=$cache/lua-input.wasm
if [ ! -f "$input" ]; then
  # Built in a private folder and renamed into place: concurrent builds
  # (the tests run two) never see half a cache entry.
  tmp=$cache.tmp.$$
  rm -rf "$tmp"
  mkdir -p "$tmp/src" "$tmp/obj" "$tmp/sysroot/include" "$tmp/sysroot/lib"
  cp "$lua_src"/*.c "$lua_src"/*.h "$tmp/src/"
  rm -f "$tmp/src/lua.c" "$tmp/src/luac.c" "$tmp/src/onelua.c"
  sed -i 's/defined(__wasi__)/0/g' "$tmp"/src/*.c
  (cd "$tmp/src" && git apply --unidiff-zero "$here/pweval.patch")
  cp "$here"/src/*.c "$here"/src/*.h "$tmp/src/"
  cp "$here"/src/sjlj/sjlj_rt.c "$tmp/src/"
  # clang 20+: wasm32-wasip1 with a sysroot whose wasip1 folders are
  # Debian's wasm32-wasi ones.
  ln -s /usr/include/wasm32-wasi "$tmp/sysroot/include/wasm32-wasip1"
  ln -s /usr/lib/wasm32-wasi "$tmp/sysroot/lib/wasm32-wasip1"
  target=(--target=wasm32-wasip1 "--sysroot=$tmp/sysroot")
  incs=("-I$here/src/sjlj" "-I$tmp/src" "-I$root/include")
  pids=()
  for c in "$tmp"/src/*.c; do
    "$cc" "${target[@]}" "${cflags[@]}" "${incs[@]}" -c "$c" \
      -o "$tmp/obj/$(basename "$c" .c).o" &
    pids+=($!)
    if [ ${#pids[@]} -ge 2 ]; then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
  done
  for p in "${pids[@]}"; do wait "$p"; done
  "$cc" "${target[@]}" -fuse-ld=lld "$tmp"/obj/*.o "${ldflags[@]}" -o "$tmp/lua-input.wasm"
  mv -T "$tmp" "$cache" 2>/dev/null || rm -rf "$tmp"
fi

# ---- The scripts: MAIN.lua first, then the modules of its folder -------------
scripts=$out/scripts
rm -rf "$scripts"
mkdir -p "$scripts"
{
  echo "$main_name"
  for f in "$main_dir"/*.lua; do
    name=$(basename "$f")
    if [ "$name" != "$main_name" ]; then echo "$name"; fi
  done
} > "$scripts/pweval-index.txt"
cp "$main_dir"/*.lua "$scripts/"

# ---- Snapshot once, then generic and specialized from the same snapshot ----
"$pweval" -w --dir "$scripts::/" --snapshot-only -i "$input" -o "$out/lua-snapshot.wasm"
"$pweval" --generic-only -i "$out/lua-snapshot.wasm" -o "$out/lua-generic.wasm"
"$pweval" ${PWEVAL_FLAGS:-} -i "$out/lua-snapshot.wasm" -o "$out/lua.wasm"
