#!/usr/bin/env bash
# The whole test suite: the C toolchain the guest tests need, pweval's tests
# (unit, integration, doc), then the build.rs integration example, which
# shares pweval's target directory so wasmtime is compiled once.
# CI (.ci/run) runs exactly this.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/install-toolchain.sh
cargo test --locked "$@"
CARGO_TARGET_DIR="$PWD/target" cargo test --locked --manifest-path examples/build-rs/Cargo.toml
