#!/usr/bin/env bash
# Build the test guests: tests/guests/build.sh OUTDIR
#   OUTDIR/all_intrinsics_c.wasm    from all_intrinsics.c
#   OUTDIR/all_intrinsics_cpp.wasm  from all_intrinsics.cpp
#   OUTDIR/accvm_diff.wasm          from accvm_diff.c (+ examples/interp-c/accvm.h)
#   OUTDIR/regvm_diff.wasm          from regvm_diff.c
#   OUTDIR/threaded_wrapper.wasm    from threaded_wrapper.c (request on the wrapper)
#   OUTDIR/threaded_body.wasm       from threaded_wrapper.c (request on the body)
# All are pweval inputs ("weval" imports, wizer-initialize files requests).
# CC / CXX override the compilers (default clang / clang++); the toolchain comes
# from scripts/install-toolchain.sh.
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
"${CC:-clang}" "${common[@]}" -std=gnu11 -DREQUEST_BODY=0 \
  -o "$out/threaded_wrapper.wasm" "$here/threaded_wrapper.c"
"${CC:-clang}" "${common[@]}" -std=gnu11 -DREQUEST_BODY=1 \
  -o "$out/threaded_body.wasm" "$here/threaded_wrapper.c"
