#!/usr/bin/env bash
# Build the test guests: tests/guests/build.sh OUTDIR
#   OUTDIR/all_intrinsics_c.wasm    from all_intrinsics.c
#   OUTDIR/all_intrinsics_cpp.wasm  from all_intrinsics.cpp
#   OUTDIR/accvm_diff.wasm          from accvm_diff.c (+ examples/interp-c/accvm.h)
#   OUTDIR/regvm_diff.wasm          from regvm_diff.c
#   OUTDIR/threaded_wrapper.wasm    from threaded_wrapper.c (request on the wrapper)
#   OUTDIR/threaded_body.wasm       from threaded_wrapper.c (request on the body)
#   OUTDIR/accvm_threaded.wasm      from accvm_threaded.c (+ accvm.h): Wasm3-style
#                                   operations chained by tail calls
# All are pweval inputs ("weval" imports, wizer-initialize files requests).
# CC / CXX override the compilers (default clang / clang++); the toolchain comes
# from scripts/install-toolchain.sh.
# TAIL_CC overrides the compiler of accvm_threaded.c (default clang-19, else
# clang-22), built with -mtail-call: clang 14 rejects its musttail calls ("tail
# call requires caller and callee return types to match", after dead-argument
# elimination). clang 20+ get tests/shapes/build.sh's wasm32-wasip1 sysroot shim
# (OUTDIR/sysroot-wasip1), and -fuse-ld=lld when there is no wasm-ld-N.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 OUTDIR" >&2
  exit 2
fi
out=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
mkdir -p "$out"

# -nostartfiles: PWEVAL_INIT provides `_start` (include/weval.h, section 8).
common=(--target=wasm32-wasi -O2 -Wall -Wextra "-I$root/include" -nostartfiles)

"${CC:-clang}" "${common[@]}" -std=c11 \
  -o "$out/all_intrinsics_c.wasm" "$here/all_intrinsics.c"
"${CXX:-clang++}" "${common[@]}" -std=c++17 \
  -o "$out/all_intrinsics_cpp.wasm" "$here/all_intrinsics.cpp"
"${CC:-clang}" "${common[@]}" -std=c11 "-I$root/examples/interp-c" \
  -o "$out/accvm_diff.wasm" "$here/accvm_diff.c"
"${CC:-clang}" "${common[@]}" -std=c11 \
  -o "$out/regvm_diff.wasm" "$here/regvm_diff.c"
# An interpreter that recurses into itself, at three optimisation levels
# (the last -O wins over common's -O2).
for opt in O1 O2 Os; do
  "${CC:-clang}" "${common[@]}" "-$opt" -std=c11 \
    -o "$out/self_recursive_$opt.wasm" "$here/self_recursive.c"
done
"${CC:-clang}" "${common[@]}" -std=gnu11 -DREQUEST_BODY=0 \
  -o "$out/threaded_wrapper.wasm" "$here/threaded_wrapper.c"
"${CC:-clang}" "${common[@]}" -std=gnu11 -DREQUEST_BODY=1 \
  -o "$out/threaded_body.wasm" "$here/threaded_wrapper.c"

tail_cc=${TAIL_CC:-}
if [ -z "$tail_cc" ]; then
  for candidate in clang-19 clang-22; do
    if command -v "$candidate" >/dev/null 2>&1; then
      tail_cc=$candidate
      break
    fi
  done
fi
if [ -z "$tail_cc" ]; then
  echo "build.sh: accvm_threaded.c needs clang-19 or clang-22 (or TAIL_CC)" >&2
  exit 1
fi
tail_version=$("$tail_cc" -dumpversion | cut -d. -f1)
tail_target=(--target=wasm32-wasi)
if [ "$tail_version" -ge 20 ]; then
  sysroot=$out/sysroot-wasip1
  for pair in include:/usr/include/wasm32-wasi lib:/usr/lib/wasm32-wasi; do
    mkdir -p "$sysroot/${pair%%:*}"
    link=$sysroot/${pair%%:*}/wasm32-wasip1
    [ -e "$link" ] || ln -s "${pair#*:}" "$link" 2>/dev/null || [ -e "$link" ]
  done
  tail_target=(--target=wasm32-wasip1 "--sysroot=$sysroot")
fi
tail_linker=()
if ! command -v "wasm-ld-$tail_version" >/dev/null 2>&1; then
  tail_linker=(-fuse-ld=lld)
fi
"$tail_cc" "${tail_target[@]}" -mtail-call -O2 -Wall -Wextra "-I$root/include" -nostartfiles \
  "${tail_linker[@]}" -std=c11 "-I$root/examples/interp-c" \
  -o "$out/accvm_threaded.wasm" "$here/accvm_threaded.c"
