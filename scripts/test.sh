#!/usr/bin/env bash
# Sets up the machine, builds Weir (release preset) and runs every test with ctest:
# unit, operator, integration, install (find_package from an outside project) and the benchmark
# smoke runs. Pass `--asan` to also build and run the tests under AddressSanitizer and
# UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cmake --preset release > /dev/null
cmake --build --preset release
ctest --preset release
if [ "${1:-}" = "--asan" ]; then
  cmake --preset asan > /dev/null
  cmake --build --preset asan
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --preset asan
fi
