#!/usr/bin/env bash
# Build the threaded-code and switch interpreters of the accumulator VM:
#
#   examples/threaded/build.sh OUTDIR
#
#   OUTDIR/threaded.wasm          pweval input ("weval" imports; wizer-initialize
#   OUTDIR/switch.wasm            compiles the programs and files the requests)
#   OUTDIR/threaded-generic.wasm  -DPWEVAL_INLINE_INTRINSICS: no "weval" imports,
#   OUTDIR/switch-generic.wasm    no requests; runs in any WASI runtime with
#                                 tail calls (`pweval run` has them on)
#   OUTDIR/threaded-native        the host's cc (CC_NATIVE), when there is one:
#   OUTDIR/switch-native          the reference output
#
# The Wasm builds use clang-19, else clang-22 (CC overrides): the threaded
# interpreter needs Wasm tail calls (-mtail-call, for `musttail`), and clang 14
# rejects it ("WebAssembly tail call requires caller and callee return types
# to match": its dead-argument elimination turns the unused result of the
# static run() into void under the musttail call). Both files build with the
# same compiler and flags so that the benchmark compares like with like.
#
# Toolchain details are those of tests/shapes/build.sh:
# - clang-22 deprecates `wasm32-wasi`: --target=wasm32-wasip1 with a sysroot
#   whose include/wasm32-wasip1 and lib/wasm32-wasip1 link to Debian's
#   wasm32-wasi directories (OUTDIR/sysroot-wasip1).
# - Without wasm-ld-N, -fuse-ld=lld runs the unversioned wasm-ld (lld 14).
# - -nostartfiles: PWEVAL_INIT defines `_start` (include/weval.h, section 8).
# EXTRA_CFLAGS is appended (e.g. -DLOOP_COUNT=1000).
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 OUTDIR" >&2
  exit 2
fi
out=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
mkdir -p "$out"

cc=${CC:-}
if [ -z "$cc" ]; then
  for candidate in clang-19 clang-22; do
    if command -v "$candidate" >/dev/null 2>&1; then
      cc=$candidate
      break
    fi
  done
fi
if [ -z "$cc" ]; then
  echo "build.sh: needs clang-19 or clang-22 (scripts/install-toolchain.sh), or CC=" >&2
  exit 1
fi
version=$("$cc" -dumpversion | cut -d. -f1)

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
if ! command -v "wasm-ld-$version" >/dev/null 2>&1; then
  linker=(-fuse-ld=lld)
fi

# shellcheck disable=SC2206
flags=(-O2 -std=c11 -Wall -Wextra "-I$root/include" "-I$here" ${EXTRA_CFLAGS:-})
wasm=("$cc" "${target[@]}" -mtail-call "${flags[@]}" -nostartfiles "${linker[@]}")

for name in threaded switch; do
  "${wasm[@]}" -o "$out/$name.wasm" "$here/$name.c"
  "${wasm[@]}" -DPWEVAL_INLINE_INTRINSICS -o "$out/$name-generic.wasm" "$here/$name.c"
  echo "$out/$name.wasm"
  echo "$out/$name-generic.wasm"
done

native=${CC_NATIVE:-cc}
if command -v "$native" >/dev/null 2>&1; then
  for name in threaded switch; do
    "$native" "${flags[@]}" -o "$out/$name-native" "$here/$name.c"
    echo "$out/$name-native"
  done
fi
