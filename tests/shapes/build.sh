#!/usr/bin/env bash
# Build one shape-corpus guest with one compiler at one optimisation level:
#
#   tests/shapes/build.sh OUTDIR SHAPE COMPILER LEVEL
#
#   SHAPE     a guest of tests/shapes without its extension (acc_blog,
#             reg_class, ...), or `interp` for examples/interp-c/interp.c
#   COMPILER  clang-14 | clang-19 | clang-22 (C++ guests: clang-14 only,
#             the one version with a wasm32 libc++ installed)
#   LEVEL     O1 | O2 | O3 | Os | Oz
#
# Writes OUTDIR/SHAPE.COMPILER.LEVEL.wasm (a pweval input: "weval" imports,
# wizer-initialize files the request) and prints its path. Nothing is rebuilt
# when the command line, the compiler version and every input file are the
# same as last time (a .stamp file next to the output). EXTRA_CFLAGS is
# appended to the command line (bench/shapes.py: -DLOOP_COUNT for interp).
#
# Toolchains (scripts/install-toolchain.sh installs them):
# - clang-14: --target=wasm32-wasi, Debian's wasi-libc sysroot is built in.
# - clang-19: --target=wasm32-wasi as well.
# - clang-22: `wasm32-wasi` is deprecated from clang 20 on, so
#   --target=wasm32-wasip1 with a sysroot whose include/wasm32-wasip1 and
#   lib/wasm32-wasip1 are links to Debian's wasm32-wasi directories
#   (OUTDIR/sysroot-wasip1; the same shim tests/all/header.rs uses).
# - Linker: clang-N runs wasm-ld-N (package lld-N) when it exists; without it
#   -fuse-ld=lld makes it run the unversioned wasm-ld (lld 14), which links
#   their objects fine.
# -nostartfiles: PWEVAL_INIT defines `_start` (include/weval.h, section 8).
set -euo pipefail

if [ $# -ne 4 ]; then
  echo "usage: $0 OUTDIR SHAPE COMPILER LEVEL" >&2
  exit 2
fi
out=$1 shape=$2 compiler=$3 level=$4
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
mkdir -p "$out"

case $level in
  O1 | O2 | O3 | Os | Oz) ;;
  *) echo "build.sh: unknown level $level (O1 O2 O3 Os Oz)" >&2; exit 2 ;;
esac

defines=()
if [ "$shape" = interp ]; then
  src=$root/examples/interp-c/interp.c
  defines=(-DLOOP_COUNT=1000 "-I$root/examples/interp-c")
elif [ -f "$here/$shape.c" ]; then
  src=$here/$shape.c
elif [ -f "$here/$shape.cpp" ]; then
  src=$here/$shape.cpp
else
  echo "build.sh: no guest $shape in $here" >&2
  exit 2
fi

case $src in
  *.cpp) lang=(-std=c++17) ;;
  *) lang=(-std=c11) ;;
esac

case $compiler in
  clang-14 | clang-19 | clang-22) ;;
  *) echo "build.sh: unknown compiler $compiler (clang-14 clang-19 clang-22)" >&2; exit 2 ;;
esac
version=${compiler#clang-}
driver=$compiler
if [ "${src##*.}" = cpp ]; then
  if [ "$compiler" != clang-14 ]; then
    echo "build.sh: C++ guests build with clang-14 only (no wasm32 libc++ for $compiler)" >&2
    exit 2
  fi
  driver=clang++-14
fi
command -v "$driver" >/dev/null 2>&1 || {
  echo "build.sh: $driver is not installed; run scripts/install-toolchain.sh" >&2
  exit 1
}

target=(--target=wasm32-wasi)
if [ "$version" -ge 20 ]; then
  sysroot=$out/sysroot-wasip1
  for pair in include:/usr/include/wasm32-wasi lib:/usr/lib/wasm32-wasi; do
    mkdir -p "$sysroot/${pair%%:*}"
    link=$sysroot/${pair%%:*}/wasm32-wasip1
    [ -e "$link" ] || ln -s "${pair#*:}" "$link" 2>/dev/null || [ -e "$link" ]
  done
  target=(--target=wasm32-wasip1 "--sysroot=$sysroot")
fi
linker=()
if [ "$version" != 14 ] && ! command -v "wasm-ld-$version" >/dev/null 2>&1; then
  linker=(-fuse-ld=lld)
fi

output=$out/$shape.$compiler.$level.wasm
# shellcheck disable=SC2206
cmd=("$driver" "${target[@]}" "-$level" "${lang[@]}" -Wall -Wextra "-I$root/include" "-I$here"
     "${defines[@]}" ${EXTRA_CFLAGS:-} -nostartfiles "${linker[@]}")

# Every file a guest can include, so any edit rebuilds.
inputs=("$src" "$root/include/weval.h" "$here/acc.h" "$here/reg.h" "$root/examples/interp-c/accvm.h")
stamp=$( {
  printf '%s\n' "${cmd[@]}"
  "$driver" --version | head -n1
  command -v "wasm-ld-$version" || command -v wasm-ld
  cat "${inputs[@]}"
} | sha256sum | cut -d' ' -f1)
if [ -f "$output" ] && [ "$(cat "$output.stamp" 2>/dev/null)" = "$stamp" ]; then
  echo "$output"
  exit 0
fi

tmp=$output.tmp.$$
trap 'rm -f "$tmp"' EXIT
"${cmd[@]}" -o "$tmp" "$src"
mv -f "$tmp" "$output"
echo "$stamp" >"$output.stamp"
echo "$output"
