#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan/UBSan) and runs each for SECONDS (default 30) on a copy
# of its seed corpus in fuzz/corpus/<target>. A crash fails the script and leaves the input in
# build/fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
./scripts/setup.sh
cmake --preset fuzz > /dev/null
cmake --build --preset fuzz
mkdir -p build/fuzz/artifacts
for target in record_stream_fuzzer serializer_fuzzer config_fuzzer checkpoint_fuzzer; do
  corpus="build/fuzz/corpus/${target%_fuzzer}"
  mkdir -p "$corpus"
  cp -n fuzz/corpus/"${target%_fuzzer}"/* "$corpus"/ 2>/dev/null || true
  echo "fuzz: $target for ${seconds}s"
  if ! "build/fuzz/fuzz/$target" -max_total_time="$seconds" -max_len=4096 -timeout=10 \
      -artifact_prefix=build/fuzz/artifacts/ "$corpus" > "build/fuzz/$target.log" 2>&1; then
    tail -n 40 "build/fuzz/$target.log"
    echo "fuzz: $target FAILED (input saved in build/fuzz/artifacts/)"
    exit 1
  fi
  tail -n 1 "build/fuzz/$target.log"
done
echo "fuzz: no crashes"
