#!/usr/bin/env bash
# Sets up the machine, builds Weir and runs the WordCount example on the embedded mini-cluster.
# Extra arguments go to the example (e.g. -p 2, -D execution.runtime-mode=BATCH, --input FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cmake --preset release > /dev/null
cmake --build --preset release --target word_count
exec ./build/release/examples/word_count "$@"
