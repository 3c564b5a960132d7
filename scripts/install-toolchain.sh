#!/usr/bin/env bash
# Make sure clang can build C and C++ for wasm32-wasi (Debian 12 packages).
# Idempotent: installs nothing when a probe program already compiles and links.
# Prints one line saying what it did; exits non-zero with a reason otherwise.
set -euo pipefail

packages=(clang lld wasi-libc libclang-rt-14-dev-wasm32
          libc++-14-dev-wasm32 libc++abi-14-dev-wasm32)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Compiling alone is not enough: the sysroot, the builtins (libclang_rt) and
# libc++/libc++abi are only exercised when linking, and wasm-ld comes from lld.
probe() {
  printf '#include <stdio.h>\nint main(void) { printf("c\\n"); return 0; }\n' >"$work/p.c"
  printf '#include <cstdio>\n#include <string>\nint main() { std::string s("c++"); std::printf("%%s\\n", s.c_str()); return 0; }\n' >"$work/p.cpp"
  command -v clang >/dev/null 2>&1 && command -v clang++ >/dev/null 2>&1 &&
    clang --target=wasm32-wasi -O2 -o "$work/p_c.wasm" "$work/p.c" >>"$work/probe.log" 2>&1 &&
    clang++ --target=wasm32-wasi -O2 -o "$work/p_cpp.wasm" "$work/p.cpp" >>"$work/probe.log" 2>&1
}

if probe; then
  echo "install-toolchain: wasm32-wasi C/C++ toolchain already present ($(clang --version | head -n1)); nothing to do"
  exit 0
fi

fail() {
  echo "install-toolchain: $*" >&2
  exit 1
}

command -v apt-get >/dev/null 2>&1 ||
  fail "clang cannot build wasm32-wasi programs and apt-get is missing; install: ${packages[*]}"

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || fail "not root and sudo is missing; cannot install: ${packages[*]}"
  sudo=(sudo)
fi

log="$work/apt.log"
if ! "${sudo[@]}" apt-get update >"$log" 2>&1; then
  tail -n 20 "$log" >&2
  fail "apt-get update failed"
fi
if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${packages[@]}" >>"$log" 2>&1; then
  tail -n 20 "$log" >&2
  fail "apt-get install failed for: ${packages[*]}"
fi

: >"$work/probe.log"
if ! probe; then
  tail -n 20 "$work/probe.log" >&2
  fail "installed ${packages[*]} but clang still cannot build wasm32-wasi C/C++"
fi
echo "install-toolchain: installed ${packages[*]}; clang builds wasm32-wasi C and C++ ($(clang --version | head -n1))"
