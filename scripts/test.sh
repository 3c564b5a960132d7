#!/usr/bin/env bash
# The whole test suite: the C toolchain the guest tests need, then cargo test.
# CI (.ci/run) runs exactly this.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/install-toolchain.sh
cargo test --locked "$@"
