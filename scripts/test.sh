#!/usr/bin/env bash
# Sets up the machine, builds Weir (release preset) and runs every test with ctest:
# unit, operator, integration, install (find_package from an outside project) and the benchmark
# smoke runs. `--asan` also builds and runs them under AddressSanitizer and
# UndefinedBehaviorSanitizer, `--tsan` under ThreadSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cmake --preset release > /dev/null
cmake --build --preset release
ctest --preset release
for option in "$@"; do
  case "$option" in
    --asan)
      cmake --preset asan > /dev/null
      cmake --build --preset asan
      ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --preset asan ;;
    --tsan)
      cmake --preset tsan > /dev/null
      cmake --build --preset tsan
      # RocksDB is not built with TSan: its internal synchronisation is invisible to it.
      TSAN_OPTIONS="halt_on_error=1 suppressions=$PWD/tests/tsan.supp" ctest --preset tsan ;;
    *) echo "test.sh: unknown option $option (use --asan, --tsan)" >&2; exit 2 ;;
  esac
done
