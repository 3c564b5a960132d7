#!/usr/bin/env bash
# Make sure clang can build C and C++ for wasm32-wasi (Debian 12 packages),
# and that clang-19 and clang-22 can build C for it too (the shape corpus,
# tests/shapes, and the header test build with all three). Only clang 14 gets
# libc++ for wasm32: libc++-19/22 would conflict with libc++-14. Also
# Debian's lua5.4, the native reference of the Lua guest (examples/lua).
# Idempotent: installs nothing when the probe programs already compile and link.
# Prints one line saying what it did; exits non-zero with a reason otherwise.
set -euo pipefail

packages=(clang lld wasi-libc libclang-rt-14-dev-wasm32
          libc++-14-dev-wasm32 libc++abi-14-dev-wasm32
          clang-19 libclang-rt-19-dev-wasm32
          clang-22 libclang-rt-22-dev-wasm32
          lua5.4)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Compiling alone is not enough: the sysroot, the builtins (libclang_rt) and
# libc++/libc++abi are only exercised when linking, and wasm-ld comes from lld.
probe() {
  printf '#include <stdio.h>\nint main(void) { printf("c\\n"); return 0; }\n' >"$work/p.c"
  printf '#include <cstdio>\n#include <string>\nint main() { std::string s("c++"); std::printf("%%s\\n", s.c_str()); return 0; }\n' >"$work/p.cpp"
  command -v clang >/dev/null 2>&1 && command -v clang++ >/dev/null 2>&1 &&
    clang --target=wasm32-wasi -O2 -o "$work/p_c.wasm" "$work/p.c" >>"$work/probe.log" 2>&1 &&
    clang++ --target=wasm32-wasi -O2 -o "$work/p_cpp.wasm" "$work/p.cpp" >>"$work/probe.log" 2>&1 &&
    probe_c 19 && probe_c 22 && command -v lua5.4 >/dev/null 2>&1
}

# clang-N links C for wasm32 with the flags tests/shapes/build.sh uses:
# clang 20 and later deprecate --target=wasm32-wasi, so they get
# --target=wasm32-wasip1 with a sysroot whose wasm32-wasip1 directories are
# Debian's wasm32-wasi ones; without wasm-ld-N (package lld-N) the driver is
# pointed at the unversioned wasm-ld (lld 14) with -fuse-ld=lld.
probe_c() {
  local version=$1 target=(--target=wasm32-wasi) linker=()
  command -v "clang-$version" >/dev/null 2>&1 || return 1
  if [ "$version" -ge 20 ]; then
    mkdir -p "$work/sysroot/include" "$work/sysroot/lib"
    ln -sfn /usr/include/wasm32-wasi "$work/sysroot/include/wasm32-wasip1"
    ln -sfn /usr/lib/wasm32-wasi "$work/sysroot/lib/wasm32-wasip1"
    target=(--target=wasm32-wasip1 "--sysroot=$work/sysroot")
  fi
  command -v "wasm-ld-$version" >/dev/null 2>&1 || linker=(-fuse-ld=lld)
  "clang-$version" "${target[@]}" "${linker[@]}" -O2 -o "$work/p_c$version.wasm" "$work/p.c" \
    >>"$work/probe.log" 2>&1
}

versions() {
  local v
  for cc in clang clang-19 clang-22; do
    v=$("$cc" --version 2>/dev/null | head -n1 | grep -o 'version [0-9.]*' | cut -d' ' -f2)
    printf '%s%s' "${sep:-}" "$cc ${v:-?}"
    sep=", "
  done
}

if probe; then
  echo "install-toolchain: wasm32-wasi toolchain already present ($(versions); C++ with clang 14; lua5.4); nothing to do"
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
  fail "installed ${packages[*]} but clang (14, 19, 22) still cannot build wasm32-wasi C/C++"
fi
echo "install-toolchain: installed ${packages[*]}; wasm32-wasi C builds with $(versions), C++ with clang 14"
